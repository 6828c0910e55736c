using Catapults.ML.Data;
using Catapults.ML.Runtime;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// The synthetic inputs are standard normal, and the smallest dimensions are allowed.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SyntheticSampleTests
{
    [Test]
    public void InputsAreStandardNormal()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(17);
        using var data = SyntheticTask.Rank2(4).Sample(20000, generator);
        double mean = data.Features.mean().item<float>();
        double variance = data.Features.var().item<float>();
        // 80 000 draws: the standard error of the mean is 0.0035, of the variance about 0.005.
        Assert.That(mean, Is.EqualTo(0).Within(0.02));
        Assert.That(variance, Is.EqualTo(1).Within(0.03));
    }

    [Test]
    public void TheSmallestDimensionsAreAllowed()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 2, 3, 5, 7 }).reshape(1, 4);
        Assert.That(SyntheticTask.Rank2(2).Evaluate(x.narrow(1, 0, 2)).item<float>(), Is.EqualTo(6f));
        Assert.That(SyntheticTask.Rank4(4).Evaluate(x).item<float>(), Is.EqualTo(2f + 6 + 30 + 210));
    }

    // Found by mutation testing (round 24A): CreateSplits promises the training set, then the test set, from one
    // generator of the seed's data stream. Drawing from that generator by hand must give the same rows, so a
    // changed seed, stream or order would show; the names say which split is which.
    [Test]
    public void SplitsAreTheSeedsDataStreamDrawnTrainThenTest()
    {
        using var scope = torch.NewDisposeScope();
        var task = SyntheticTask.Rank4(6);
        var (train, test) = task.CreateSplits(30, 10, seed: 11);
        using (train)
        using (test)
        using (var generator = Seeding.TorchGenerator(11, Seeding.Stream.Data))
        {
            var expectedTrain = torch.randn(new long[] { 30, 6 }, generator: generator);
            var expectedTest = torch.randn(new long[] { 10, 6 }, generator: generator);
            Assert.That(train.Features.equal(expectedTrain).all().ToBoolean(), Is.True, "train rows");
            Assert.That(test.Features.equal(expectedTest).all().ToBoolean(), Is.True, "test rows");
            Assert.That((train.Name, test.Name), Is.EqualTo(("Rank4-train", "Rank4-test")));
        }
    }
}
