using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): a run whose first batch loss is exactly 0 (a network that already fits its
/// first batch) measures divergence against a floor of 1e-12, not against 0. Against 0 every positive loss afterwards
/// would "exceed the factor times the first loss" and end the run as diverged at step 1; no test started from a zero loss.
/// </summary>
public sealed class ZeroFirstLossDivergenceTests
{
    // Zero inputs into a network without biases: f = 0 exactly and nothing moves, so each step's loss is the mean
    // square of its targets: 0 at step 0, then `later`² from step 1 on.
    private sealed class ZeroThenConstant(float later) : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 4;
        public Batch BatchAt(int step) =>
            new(torch.zeros(4, 3), torch.full(4, 1, step == 0 ? 0f : later), new long[] { 0, 1, 2, 3 }, 0);
    }

    [Test]
    public void ASmallLossAfterAZeroFirstLossIsNoDivergence()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(3, bias: false);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 5 });
        // 1e-8 is far below the default factor 1e8 times the floor 1e-12 (= 1e-4).
        var result = trainer.Run(new ZeroThenConstant(1e-4f));
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), result.Divergence?.Reason);
        Assert.That(trainer.ReferenceLoss, Is.EqualTo(1e-12));
    }

    [Test]
    public void ALossAboveTheFactorTimesTheFloorDivergesAtItsStep()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(3, bias: false);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 5 });
        // 0.011² ≈ 1.2e-4 > 1e8 × 1e-12.
        var result = trainer.Run(new ZeroThenConstant(0.011f));
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.EqualTo(1));
        Assert.That(result.Divergence.LastFiniteLoss, Is.EqualTo(0.0));
        Assert.That(result.Divergence.OffendingLoss, Is.EqualTo(0.011f * 0.011f).Within(1e-3).Percent);
    }
}
