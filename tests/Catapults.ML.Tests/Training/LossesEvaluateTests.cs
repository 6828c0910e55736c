using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Losses.Evaluate over more rows than one evaluation chunk, and the class-index check of cross-entropy.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class LossesEvaluateTests
{
    [Test]
    public void FullMseOverSeveralChunksIsTheMeanOverAllRows()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(11);
        const int n = 5000; // more than one chunk of 4096
        var x = torch.randn(new long[] { n, 3 }, generator: generator);
        var y = torch.randn(new long[] { n, 1 }, generator: generator);
        using var model = Nets.Linear(3, bias: true);
        using var data = new TensorDataset(x.clone(), y.clone());

        double loss = Losses.Evaluate(model, data, LossKind.MeanSquaredError);

        Tensor f;
        using (torch.no_grad()) f = model.forward(x);
        var r = f.to_type(ScalarType.Float64) - y.to_type(ScalarType.Float64);
        double expected = (r * r).sum().item<double>() / n;
        Assert.That(loss, Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void ACrossEntropyClassIndexEqualToTheClassCountIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        var output = torch.zeros(3, 4);
        var target = torch.tensor(new long[] { 0, 1, 4 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Compute(LossKind.CrossEntropy, output, target));
    }

    // Found by mutation testing (round 31C): the refusal names the offending class index as its actual value, the
    // negative one when there is one, otherwise the one past the class count.
    [TestCase(new long[] { 0, -1, 2 }, -1L)]
    [TestCase(new long[] { 0, 5, 2 }, 5L)]
    public void ACrossEntropyClassIndexOutOfRangeIsRefusedNamingIt(long[] classes, long offending)
    {
        using var scope = torch.NewDisposeScope();
        var output = torch.zeros(3, 4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Compute(LossKind.CrossEntropy, output, torch.tensor(classes)));
        Assert.That(ex!.ParamName, Is.EqualTo("target"));
        Assert.That(ex.ActualValue, Is.EqualTo(offending));
    }

    // An empty set has no mean loss: 0/0 came back as NaN, which a caller reads as a diverged model, and a held-out
    // probe on it would have ended a healthy run as diverged at its first measurement.
    [Test]
    public void AnEmptySetHasNoLossAndNoHeldOutProbe()
    {
        using var scope = torch.NewDisposeScope();
        using var model = Nets.Linear(3);
        using var empty = new TensorDataset(torch.zeros(0, 3), torch.zeros(0, 1), "nothing");
        var ex = Assert.Throws<ArgumentException>(() => Losses.Evaluate(model, empty, LossKind.MeanSquaredError))!;
        Assert.That(ex.Message, Does.StartWith("The dataset nothing has no samples: a loss over it is undefined."));
        Assert.That(ex.ParamName, Is.EqualTo("data"));
        var probe = Assert.Throws<ArgumentException>(() => new Catapults.ML.Probes.HeldOutLossProbe(empty, 1))!;
        Assert.That(probe.Message, Does.StartWith("The held-out set nothing has no samples."));
    }
}
