using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (6 Dec 2026): what a probe carries from one run into the next. A restored state continues
/// its run once (the first start after RestoreState), and the start after that is a new run that forgets the last rate;
/// and the held-out probe's FinalLoss is the loss at the final weights, its last record, not its first.
/// </summary>
[TestFixture]
public sealed class ProbeRunBoundaryTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    [Test]
    public void OnlyTheFirstStartAfterARestoreContinuesTheRestoredRun()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        using (var restored = new SharpnessProbe(new SharpnessProbeOptions { Every = 5 }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 3 }, new IProbe[] { probe });
            using (var state = probe.CaptureState()) restored.RestoreState(state);
            // A run of no steps right after the restore continues the captured run: its final record reports that run's rate.
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 0 }, new IProbe[] { restored });
            Assert.That(restored.Records[^1].Step, Is.EqualTo(0));
            Assert.That(restored.Records[^1].LearningRate, Is.EqualTo(0.05), "the restored run's rate");
            // The next start is a new run: one step at another rate, then a run of no steps, which has no rate of its own.
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.02, MaxSteps = 1 }, new IProbe[] { restored });
            Assert.That(restored.Records[^1].LearningRate, Is.EqualTo(0.02));
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.02, MaxSteps = 0 }, new IProbe[] { restored });
            Assert.That(restored.Records[^1].Step, Is.EqualTo(0));
            Assert.That(restored.Records[^1].LearningRate, Is.EqualTo(0), "a new run does not report the previous run's rate");
        }
    }

    [Test]
    public void ARestoreDropsTheHalfDoneRecordOfARunThatFailedMidStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 2, ProbeSize = 10 }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 2 };
            Trainer.Train(net, train, options, new IProbe[] { probe });
            using var checkpoint = probe.CaptureState();
            // The failing observer comes first, so the probe never hears that step 1 completed: its step-1 record stays half done.
            var failing = new FailsAfterStep(1);
            Assert.Throws<InvalidOperationException>(() => Trainer.Train(net, train, options, new ITrainingObserver[] { failing, probe }));
            Assert.That(probe.MeasurementAt(1), Is.Not.Null, "the half-done record of the failed run");

            probe.RestoreState(checkpoint);
            Assert.That(probe.MeasurementAt(1), Is.SameAs(probe.RecordAt(1)), "the checkpoint's own record of step 1");
            Assert.That(probe.Records.Count(r => r.Step == 1), Is.EqualTo(1));
            // The failed run's measurement must not block the next checkpoint, nor be recorded when the resumed run ends.
            Assert.DoesNotThrow(() => probe.CaptureState().Dispose());
            int recorded = probe.Records.Count;
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 0 }, new IProbe[] { probe });
            Assert.That(probe.Records.Count, Is.EqualTo(recorded + 1), "only the new run's record of step 0");
        }
    }

    // Found by review (6 Dec 2026): the guard against measuring a step twice looked at the last record of any run, so a
    // new run skipped its step 0 when the run before it had ended (or failed) with a record of step 0.
    [Test]
    public void ANewRunMeasuresItsStepZeroWhateverStepThePreviousRunEndedAt()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 3))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 2 };
            Assert.Throws<InvalidOperationException>(() =>
                Trainer.Train(net, train, options, new ITrainingObserver[] { probe, new FailsAfterStep(0) }));
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0 }), "the failed run's step 0");

            double atStart = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Assert.That(atStart, Is.Not.EqualTo(probe.Records[0].Loss).Within(1e-6 * atStart), "the failed run's update moved the weights");
            Trainer.Train(net, train, options, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 0, 2 }), "the new run's step 0 and final weights");
            Assert.That(probe.Records[1].Loss, Is.EqualTo(atStart).Within(1e-6 * atStart));

            // Two runs of no steps: each measures its final weights, step 0, though the run before ended at step 0.
            Trainer.Train(net, train, options with { MaxSteps = 0 }, new[] { probe });
            Trainer.Train(net, train, options with { MaxSteps = 0 }, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 0, 2, 0, 0 }));
        }
    }

    // Found by mutation testing (round 15C): a restore starts the restored trajectory afresh. A probe that followed a
    // later run from step 0 as well, then is restored to the state captured at the end of the first run, still knows
    // that the first run's final weights (step 5) were measured: the resumed run does not measure step 5 again.
    [Test]
    public void ARestoreAfterALaterRunStillKnowsTheRestoredRunsLastStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 5))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 5 };
            Trainer.Train(net, train, options, new[] { probe });
            using var checkpoint = probe.CaptureState();
            using (var other = Nets.TwoLayer(6, 16, seed: 2)) Trainer.Train(other, train, options, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 5, 0, 5 }));

            probe.RestoreState(checkpoint);
            using var trainer = new Trainer(net, options with { MaxSteps = 10 });
            trainer.ResumeAt(5, referenceLoss: null);
            trainer.Run(train, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 5, 10 }));
        }
    }

    // Found by mutation testing (round 21A): the diagnostics probe starts each new run with no records, and the guard
    // against measuring a step twice must count from that empty start. A second run stopped by its target loss at
    // step 0 (measured before the stop) got a second, final record of step 0 when the run start was left at the
    // first run's record count.
    [Test]
    public void ANewDiagnosticsRunStoppedAtAMeasuredStepRecordsThatStepOnce()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 };
            Trainer.Train(net, train, options, new IProbe[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            var result = Trainer.Train(net, train, options with { TargetLoss = 1e9 }, new IProbe[] { probe });
            Assert.That((result.Outcome, result.Steps), Is.EqualTo((TrainingOutcome.TargetLossReached, 0)));
            Assert.That(probe.Records.Select(r => (r.Step, r.IsFinal)), Is.EqualTo(new[] { (0, false) }),
                "the new run's step 0, once: its final weights are the step it measured");
        }
    }

    // Found by mutation testing (round 21A): a start right after a restore continues the restored trajectory even from
    // step 0. A state captured after a run of no steps holds its record of step 0, which the continuation keeps; with
    // the trajectory restarted there, step 0 was measured a second time.
    [Test]
    public void AContinuationFromStepZeroKeepsTheRestoredRecordOfStepZero()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 2))
        using (var restored = new HeldOutLossProbe(test, 2))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 0 };
            Trainer.Train(net, train, options, new[] { probe });
            using (var state = probe.CaptureState()) restored.RestoreState(state);
            Trainer.Train(net, train, options with { MaxSteps = 4 }, new[] { restored });
            Assert.That(restored.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 2, 4 }), "step 0 once, as the restored run measured it");
        }
    }

    [Test]
    public void FinalLossIsTheLossAtTheFinalWeights()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, 2))
        {
            Assert.That(probe.FinalLoss, Is.Null, "no record yet");
            double initial = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 5 }, new[] { probe });
            double final = Losses.Evaluate(net, test, LossKind.MeanSquaredError);
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 2, 4, 5 }));
            Assert.That(final, Is.Not.EqualTo(initial).Within(1e-6 * initial), "training moved the held-out loss");
            Assert.That(probe.FinalLoss, Is.EqualTo(final).Within(1e-6 * final));
        }
    }
}
