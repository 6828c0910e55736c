using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The trainer ends a run as diverged, with its step and reason, when the rate is beyond float32 or when an observer
/// signals a non-finite value with <see cref="NonFiniteValueException"/>, instead of failing inside libtorch.
/// </summary>
public sealed class DivergenceSignalTests
{
    /// <summary>Twenty Gaussian samples of four features and one target drawn from <paramref name="seed"/>, the data of the trainer's divergence and probe tests.</summary>
    internal static TensorDataset Data(int seed = 3)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return new TensorDataset(torch.randn(new long[] { 20, 4 }, generator: g), torch.randn(new long[] { 20, 1 }, generator: g));
    }

    [TestCase(3.5e38)]
    [TestCase(1e300)]
    public void ARateBeyondFloat32DivergesAtItsStep(double rate)
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        var schedule = new MilestoneSchedule(0.01, new[] { (3, rate) });
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, Schedule = schedule, MaxSteps = 10 });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(3));
        Assert.That(result.Divergence!.Step, Is.EqualTo(3));
        Assert.That(result.Divergence.Reason, Does.Contain("float32"));
        Assert.That(result.Divergence.LastFiniteLoss, Is.Not.Null.And.GreaterThan(0), "steps 0 to 2 gave finite losses");
        Assert.That(result.Divergence.OffendingLoss, Is.Null, "no loss was computed at the rate");
    }

    [Test]
    public void ARunThatDivergesAtItsFirstStepHasNoLastFiniteLoss()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 1e39, MaxSteps = 10 });
        Assert.That(result.Divergence!.Step, Is.EqualTo(0));
        Assert.That(result.Divergence.LastFiniteLoss, Is.Null, "no NaN standing for 'none'");
        Assert.That(result.Divergence.OffendingLoss, Is.Null);
    }

    [Test]
    public void AnObserverSignalEndsTheRunAsDiverged()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        var observer = new Signal(5);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 10 }, new[] { observer });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(5), "the step that completed before the signal counts");
        Assert.That(result.Divergence!.Step, Is.EqualTo(5));
        Assert.That(result.Divergence.Reason, Is.EqualTo("the probe is not finite"));
        Assert.That(result.FinalTrainingLoss, Is.Null);
        Assert.That(observer.Completed, Is.True, "observers still see the end of the run");
    }

    [Test]
    public void ASignalFromTheFinalMeasurementTurnsTheResultDiverged()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 4 }, new[] { new FinalSignal() });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(4));
        Assert.That(result.Divergence!.Reason, Is.EqualTo("the final spectrum is not finite"));
        Assert.That(result.FinalTrainingLoss, Is.Null);
    }

    // Found by mutation testing (round 31C): a divergence signalled by an observer keeps the last finite batch loss, as
    // one found by the loss check does.
    [Test]
    public void AnObserverSignalKeepsTheLastFiniteBatchLoss()
    {
        using var data = Data();
        using var net = Nets.Linear(4, bias: true);
        var recorder = new RecordingObserver();
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 10 }, new ITrainingObserver[] { recorder, new Signal(5) });
        Assert.That(result.Divergence!.LastFiniteLoss, Is.EqualTo(recorder.Records[^1].BatchLoss), "the loss of step 4, the last one taken");
        Assert.That(recorder.Records[^1].Step, Is.EqualTo(4));
    }

    // Found by mutation testing (round 31C): Diverged is true for a diverged run only, not for any run that stopped
    // short of its budget.
    [TestCase(TrainingOutcome.Diverged, true)]
    [TestCase(TrainingOutcome.BudgetReached, false)]
    [TestCase(TrainingOutcome.TargetLossReached, false)]
    [TestCase(TrainingOutcome.Cancelled, false)]
    public void OnlyADivergedRunSaysItDiverged(TrainingOutcome outcome, bool diverged) =>
        Assert.That(new TrainingResult(outcome, 3, 1, null, null, TimeSpan.Zero).Diverged, Is.EqualTo(diverged));

    private sealed class FinalSignal : ITrainingObserver
    {
        public void OnTrainingCompleted(TrainingResult result, TrainingContext context) =>
            throw new NonFiniteValueException(null, "the final spectrum is not finite");
    }

    private sealed class Signal(int atUpdates) : ITrainingObserver
    {
        public bool Completed { get; private set; }

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step + 1 == atUpdates) throw new NonFiniteValueException(atUpdates, "the probe is not finite");
        }

        public void OnTrainingCompleted(TrainingResult result, TrainingContext context) => Completed = true;
    }
}
