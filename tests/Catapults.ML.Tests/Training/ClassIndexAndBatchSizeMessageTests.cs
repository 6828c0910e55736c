using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): two messages that tell the user which input is wrong, neither tested. A class
/// index equal to the number of classes is the first one out of range (an off-by-one there left libtorch to fail with
/// C++ frames); and a batch size larger than the training set is blamed on the option <c>BatchSize</c> with the
/// set's size, rather than on the batch source's constructor argument.
/// </summary>
public sealed class ClassIndexAndBatchSizeMessageTests
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

    [Test]
    public void ABatchSizeLargerThanTheTrainingSetNamesTheOptionAndTheSetsSize()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.zeros(6, 2), torch.zeros(6, 1), "six");
        using var net = Nets.Linear(2);
        var ex = Assert.Throws<ArgumentException>(() =>
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, BatchSize = 7, MaxSteps = 1 }));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.BatchSize)));
        Assert.That(ex.Message, Does.StartWith("BatchSize 7 is larger than the training set (6 samples)."));
    }
}
