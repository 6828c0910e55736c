using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Probes;

/// <summary>ScheduledProbe's look-ups, its guard at non-finite weights, and its check of restored steps.</summary>
public class ScheduledProbeCadenceTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    [Test]
    public void RecordAtFindsTheFirstRecord()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 3))
        {
            double initial = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 }, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 4 }));
            var first = probe.RecordAt(0);
            Assert.That(first, Is.Not.Null, "step 0 has a record, the first of the list");
            Assert.That(first!.Loss, Is.EqualTo(initial).Within(1e-6 * initial));
        }
    }

    // Found by mutation testing (round 15C): a probe that followed two runs holds two records of step 0; RecordAt gives
    // the latest run's, the trajectory under way, not the first run's.
    [Test]
    public void RecordAtGivesTheLatestRunsRecordOfAStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 3))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 };
            double first = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Trainer.Train(net, train, options, new[] { probe });
            double second = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Assert.That(second, Is.Not.EqualTo(first).Within(1e-6 * first), "the first run moved the weights");
            Trainer.Train(net, train, options with { MaxSteps = 2 }, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 4, 0, 2 }));
            Assert.That(probe.RecordAt(0)!.Loss, Is.EqualTo(second).Within(1e-6 * second), "the second run's step 0");
            Assert.That(probe.MeasurementAt(0)!.Loss, Is.EqualTo(second).Within(1e-6 * second));
        }
    }

    // The Study's step columns read MeasurementAt(step) for every step row; a record measured earlier must not be
    // answered with the measurement of the step under way.
    [Test]
    public void MeasurementAtAnEarlierStepIsThatStepsRecordNotTheOneUnderWay()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            var seen = new List<(int Step, int? AtZero, int? AtNow)>();
            var reader = new BeforeStep(step => seen.Add((step, probe.MeasurementAt(0)?.Step, probe.MeasurementAt(step)?.Step)));
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 5 }, new ITrainingObserver[] { probe, reader });
            Assert.That(seen.Select(s => s.AtZero), Is.All.EqualTo(0), "step 0's record, whichever step is under way");
            Assert.That(seen.Where(s => s.Step % 2 == 0).Select(s => s.AtNow), Is.EqualTo(new int?[] { 0, 2, 4 }));
            Assert.That(seen.Where(s => s.Step % 2 == 1).Select(s => s.AtNow), Has.All.Null, "no measurement at an off-cadence step");
        }
    }

    [Test]
    public void AStateWithARecordOfStepMinusOneIsRefused()
    {
        using var test = Data().Test;
        using var probe = new HeldOutLossProbe(test, 5);
        using var state = new ProbeState(probe.Name, System.Text.Json.Nodes.JsonNode.Parse("{\"records\":[{\"step\":-1,\"loss\":1}]}")!.AsObject());
        var ex = Assert.Throws<ArgumentException>(() => probe.RestoreState(state));
        Assert.That(ex!.Message, Does.Contain("record 0 is of step -1; steps start at 0."));
    }

    // A measurement that fails at weights an update has already blown up is not the probe's fault: it records nothing
    // and the trainer ends the run as diverged at that step, with its own reason.
    [Test]
    public void AMeasurementThatFailsAtNonFiniteWeightsLeavesTheDivergenceToTheTrainer()
    {
        using var x = tensor(new float[] { 1000f }).reshape(1, 1);
        using var y = zeros(1, 1);
        using var data = new TensorDataset(x, y, "one");
        using var net = Nets.Linear(1, bias: false, seed: 3);
        using var probe = new FailsAtNonFiniteWeights();
        // Step 0's update overflows float32 (|Δw| = η · 2·10⁶ · |w| with η = 10³⁸), so w₁ is infinite.
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 1e38, MaxSteps = 5 }, new[] { probe });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.EqualTo(1));
        Assert.That(result.Divergence.Reason, Does.Contain("batch loss is not finite"));
        Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0 }));
    }

    // Found by mutation testing (round 15C): the final record reports the rate of the last step the run took, which
    // need not be a measured step. Here the rate changes at step 2, between the record of step 0 and the final one.
    [Test]
    public void AFinalRecordReportsTheRateOfTheLastStepTakenNotOfTheLastMeasuredStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 5, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            var schedule = new MilestoneSchedule(0.05, new[] { (2, 0.02) });
            Trainer.Train(net, train, new TrainingOptions { Schedule = schedule, BatchSize = 8, MaxSteps = 3 }, new[] { probe });
            Assert.That(probe.Records.Select(r => (r.Step, r.IsFinal)), Is.EqualTo(new[] { (0, false), (3, true) }));
            Assert.That(probe.Records[0].LearningRate, Is.EqualTo(0.05));
            Assert.That(probe.Records[1].LearningRate, Is.EqualTo(0.02), "step 2, the last step taken, ran at 0.02");
        }
    }

    // Found by mutation testing (round 15C): a record that waits for its step's outcome is completed only by that step.
    // A run that failed after the probe measured step 1 (an observer before it threw in OnStepCompleted) leaves that
    // record half done; the trainer's next run goes on from step 2, and step 2's loss must not complete step 1's record.
    [Test]
    public void AHalfDoneRecordIsNotCompletedByAnotherStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }))
        using (var probe = new WaitsForItsStep())
        {
            var failing = new FailsAfterStep(1);
            Assert.Throws<InvalidOperationException>(() => trainer.Run(train, new ITrainingObserver[] { failing, probe }));
            Assert.That(trainer.Step, Is.EqualTo(2));
            var recorder = new RecordingObserver();
            trainer.Run(train, new ITrainingObserver[] { recorder, probe });
            Assert.That(recorder.Records.Select(r => r.Step), Is.EqualTo(new[] { 2 }));
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 1, 3 }));
            Assert.That(probe.Records[0].BatchLoss, Is.Not.Null, "step 0 completed");
            Assert.That(probe.Records[1].BatchLoss, Is.Null, "step 1's record is kept as measured, not given step 2's loss");
        }
    }

    // A run that failed after measuring its step leaves that record half-done; the next run keeps it as measured, where
    // its first due step replaced it before (found by the review of mutation round 15C).
    [Test]
    public void TheNextRunsFirstDueStepDoesNotReplaceAFailedRunsHalfDoneRecord()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }))
        using (var probe = new WaitsForItsStep(dueBelow: int.MaxValue))
        {
            Assert.Throws<InvalidOperationException>(() => trainer.Run(train, new ITrainingObserver[] { new FailsAfterStep(1), probe }));
            trainer.Run(train, new ITrainingObserver[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            Assert.That(probe.Records.Select(r => r.BatchLoss is not null), Is.EqualTo(new[] { true, false, true, false }),
                "steps 0 and 2 completed, step 1 kept as measured, the final record has no step");
        }
    }

    // A new trajectory (another trainer from step 0) after a failed run: the half-done record stays with the run that
    // measured it, before the new trajectory's records, and the new run's step 0 does not replace it.
    [Test]
    public void ANewTrajectoryAfterAFailedRunLeavesTheHalfDoneRecordInTheOldOne()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new WaitsForItsStep())
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 };
            using (var failed = new Trainer(net, options))
                Assert.Throws<InvalidOperationException>(() => failed.Run(train, new ITrainingObserver[] { new FailsAfterStep(1), probe }));
            using (var fresh = new Trainer(net, options)) fresh.Run(train, new ITrainingObserver[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 1, 0, 1, 3 }));
            Assert.That(probe.Records[1].BatchLoss, Is.Null, "the failed run's step 1, as measured");
            Assert.That(probe.Records[3].BatchLoss, Is.Not.Null, "the new run's step 1, completed");
        }
    }

    private sealed record Loss(int Step, double? BatchLoss);

    private sealed class LossOptions() : ProbeOptions(1);

    // Measures steps below dueBelow; the default 2 leaves the next run's steps unmeasured (so a stale record could not be replaced).
    private sealed class WaitsForItsStep(int dueBelow = 2) : ScheduledProbe<Loss>("waits-for-its-step", new LossOptions { RecordFinal = true })
    {
        public override DataFrame ToDataFrame() => new(new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)));

        protected override int StepOf(Loss record) => record.Step;

        protected override bool IsDue(int step) => step < dueBelow;

        protected override Loss? Measure(StepContext step) => new(step.Step, null);

        protected override Loss? MeasureFinal(TrainingResult result, TrainingContext context) => new(result.Steps, null);

        protected override bool CompletesAfterStep => true;

        protected override Loss Complete(Loss measured, StepRecord step) => measured with { BatchLoss = step.BatchLoss };
    }

    private sealed record Mark(int Step);

    private sealed class MarkOptions() : ProbeOptions(1);

    private sealed class FailsAtNonFiniteWeights() : ScheduledProbe<Mark>("fails-at-non-finite-weights", new MarkOptions())
    {
        public override DataFrame ToDataFrame() => new(new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)));

        protected override int StepOf(Mark record) => record.Step;

        protected override Mark? Measure(StepContext step) =>
            step.Training.Model.HasFiniteParameters() ? new Mark(step.Step) : throw new InvalidOperationException("the solver gave up");

        protected override Mark? MeasureFinal(TrainingResult result, TrainingContext context) => null;
    }

    private sealed class BeforeStep(Action<int> action) : ITrainingObserver
    {
        public void OnBeforeStep(StepContext step) => action(step.Step);
    }
}
