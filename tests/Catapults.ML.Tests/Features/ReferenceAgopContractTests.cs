using Catapults.ML.Data;
using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// ReferenceAgop's documented tolerances, closed forms at the smallest dimension, and its own random stream.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class ReferenceAgopContractTests
{
    [Test]
    public void ThePsdToleranceIsRelativeToTheLargestEigenvalue()
    {
        // λ_min ≥ −1e-6 · max|λ| is accepted: −0.5 ≥ −1e-6 · 1e6 = −1.
        Assert.DoesNotThrow(() => ReferenceAgop.OfMatrix(new[,] { { 1e6, 0 }, { 0, -0.5 } }));
        // −1e-9 < −1e-6 · 1e-8 = −1e-14 is refused.
        Assert.Throws<ArgumentException>(() => ReferenceAgop.OfMatrix(new[,] { { 1e-8, 0 }, { 0, -1e-9 } }));
    }

    [Test]
    public void ClosedFormsHoldAtTheSmallestDimension()
    {
        using var scope = torch.NewDisposeScope();
        Assert.That(ReferenceAgop.Rank2(2).data<double>().ToArray(), Is.EqualTo(new[] { 1.0, 0, 0, 1.0 }));
        Assert.That(ReferenceAgop.Rank4(4).diagonal().data<double>().ToArray(), Is.EqualTo(new[] { 4.0, 3, 2, 1 }));
    }

    [Test]
    public void TheMonteCarloReferenceDoesNotReuseTheTrainingInputsOfTheSameSeed()
    {
        // Data comes from the Data stream and the Monte-Carlo reference from the Diagnostics stream, so with the same
        // seed they are independent draws: the reference is not the AGOP of the training set.
        using var scope = torch.NewDisposeScope();
        var task = SyntheticTask.Rank2(3);
        var (train, test) = task.CreateSplits(64, 1, seed: 9);
        using (train) using (test)
        {
            var onTrain = Agop.Compute(task, train.Features);
            var monteCarlo = ReferenceAgop.FromTarget(task, 64, seed: 9);
            double difference = (onTrain - monteCarlo).abs().max().item<double>();
            Assert.That(difference, Is.GreaterThan(1e-3));
        }
    }

    [Test]
    public void AGivenMatrixIsCopiedWhenTheReferenceIsMade()
    {
        // The reference is computed at each evaluation, possibly long after it was made: a caller that reuses its array
        // must not change it. Found by mutation testing (round 19C).
        using var scope = torch.NewDisposeScope();
        var matrix = new[,] { { 2.0, 0 }, { 0, 1.0 } };
        var reference = ReferenceAgop.OfMatrix(matrix);
        matrix[0, 0] = 5;
        Assert.That(reference.Compute(torch.zeros(3, 2)).data<double>().ToArray(), Is.EqualTo(new[] { 2.0, 0, 0, 1.0 }));
    }
}
