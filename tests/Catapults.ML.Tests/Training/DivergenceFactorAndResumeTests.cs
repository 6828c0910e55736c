using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (5 Dec 2026): the single trainer's <see cref="TrainingOptions.DivergenceFactor"/>, the
/// reference loss that <see cref="Trainer.ResumeAt"/> restores, and the option checks that refuse a factor ≤ 1, a
/// non-finite target loss, a negative full-loss cadence and a schedule that ends before its warm-up were untested:
/// ignoring the factor, dropping the restored reference or any of those checks left the suite green.
/// </summary>
public sealed class DivergenceFactorAndResumeTests
{
    private static TensorDataset Data() => DivergenceSignalTests.Data();

    [Test]
    public void TheRunDivergesAtTheFirstLossBeyondTheFactorTimesTheFirstLoss()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 1.5, MaxSteps = 200, DivergenceFactor = 2 });
        var result = trainer.Run(data);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        double reference = trainer.ReferenceLoss!.Value;
        Assert.That(result.Divergence!.Reason, Does.Contain("exceeds 2 ×"));
        Assert.That(result.Divergence.OffendingLoss, Is.GreaterThan(2 * reference));
        Assert.That(result.Divergence.LastFiniteLoss, Is.Not.Null.And.LessThanOrEqualTo(2 * reference),
            "the step before was within the factor, so the run stopped at the first loss beyond it");
    }

    // Zero inputs into a network without biases: f = 0 exactly and nothing moves, so each step's loss is the mean
    // square of its targets, exactly: 1 at step 0, then 4 = the factor × the first loss, then 4.0000005.
    private sealed class ExactLosses : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 4;
        public Batch BatchAt(int step) =>
            new(torch.zeros(4, 3), torch.full(4, 1, step == 0 ? 1f : step < 3 ? 2f : 2.0000002f), new long[] { 0, 1, 2, 3 }, 0);
    }

    // "Exceeds" is strict: a loss of exactly the factor times the first loss is no divergence (two such steps), the
    // first loss above it is.
    [Test]
    public void ALossOfExactlyTheFactorTimesTheFirstLossIsNoDivergence()
    {
        using var net = Nets.Linear(3, bias: false);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 6, DivergenceFactor = 4 });
        var result = trainer.Run(new ExactLosses());
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged), result.Divergence?.Reason);
        Assert.That(result.Divergence!.Step, Is.EqualTo(3), "steps 1 and 2 sit exactly at 4 × the first loss");
        Assert.That(result.Divergence.OffendingLoss, Is.GreaterThan(4.0));
    }

    [Test]
    public void AResumedTrainerMeasuresDivergenceAgainstTheRestoredReferenceLoss()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        // A stable rate: the losses after the resume stay near 1, far above 10 × the restored reference 1e-3.
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.01, MaxSteps = 10, DivergenceFactor = 10 });
        trainer.ResumeAt(5, referenceLoss: 1e-3);
        var result = trainer.Run(data);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged), "the restored reference, not the first loss after the resume, is the yardstick");
        Assert.That(result.Divergence!.Step, Is.EqualTo(5));
        Assert.That(result.Divergence.Reason, Does.Contain("exceeds 10 ×"));
    }

    [TestCase(1.0)]
    [TestCase(0.5)]
    public void ADivergenceFactorOfAtMostOneIsRefused(double factor)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, DivergenceFactor = factor }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.DivergenceFactor)));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void ANonFiniteTargetLossIsRefused(double target)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, TargetLoss = target }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.TargetLoss)));
    }

    [Test]
    public void ANegativeFullLossCadenceIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, FullLossEvery = -1 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.FullLossEvery)));
    }

    [Test]
    public void AScheduleThatEndsBeforeItsWarmUpIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(1.0, warmupSteps: 10, totalSteps: 5));
        Assert.That(ex!.ParamName, Is.EqualTo("totalSteps"));
    }
}
