using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): the cross-entropy check of class indices was untested. An index equal to the
/// number of classes is the first one out of range; an off-by-one there left libtorch to fail with C++ frames and no
/// argument name.
/// </summary>
public sealed class CrossEntropyClassIndexTests
{
    [TestCase(3L)]
    [TestCase(-1L)]
    public void ACrossEntropyClassIndexOutsideTheOutputsIsNamed(long bad)
    {
        using var scope = torch.NewDisposeScope();
        var output = torch.zeros(4, 3);
        var target = torch.tensor(new long[] { 0, 1, bad, 2 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Compute(LossKind.CrossEntropy, output, target));
        Assert.That(ex!.ParamName, Is.EqualTo("target"));
        Assert.That(ex.ActualValue, Is.EqualTo(bad));
        Assert.That(ex.Message, Does.Contain("[0, 3)"));
    }

    [Test]
    public void TheLastClassIndexIsAccepted()
    {
        using var scope = torch.NewDisposeScope();
        var loss = Losses.Compute(LossKind.CrossEntropy, torch.zeros(2, 3), torch.tensor(new long[] { 0, 2 }));
        // Equal logits: every class has probability 1/3.
        Assert.That(loss.ToDouble(), Is.EqualTo(Math.Log(3)).Within(1e-6));
    }
}
