using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Diagnostics;

public class DiagnosticsProbeTests
{
    private static (TensorDataset Train, TensorDataset Test) Rank2(int n, int d = 8, long seed = 1) =>
        SyntheticTask.Rank2(d).CreateSplits(n, 2, seed);

    private static float[] Weights(NetworkModule net) =>
        net.TrainableParameters().SelectMany(p => p.Parameter.detach().cpu().data<float>().ToArray()).ToArray();

    // Found by review: a cancelled run's state had no warm starts (they were released at the end of every run), so a
    // run continued from it solved from cold and its eigenvalues differed in the last digits from the uninterrupted run's.
    [Test]
    public void ACancelledRunKeepsItsWarmStartsForTheContinuation()
    {
        var (train, test) = Rank2(48);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
        using (var cancel = new CancellationTokenSource())
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 2, ProbeSize = 16 }))
        {
            var stopper = new StopAfter(5, cancel);
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.1, BatchSize = 8, MaxSteps = 20 },
                new ITrainingObserver[] { probe, stopper }, cancel.Token);
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Cancelled));
            using var state = probe.CaptureState();
            Assert.That(state.WarmStarts, Is.Not.Empty);
        }
    }

    private sealed class StopAfter(int step, CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step >= step) cancel.Cancel();
        }
    }

    // Found by review: a full-batch run stopped by its target loss at a recorded step left that record's loss out
    // (the record waits for a step that never comes), and the loss series lost its last point.
    [Test]
    public void AFullBatchRunStoppedByItsTargetKeepsTheLossOfItsLastRecord()
    {
        var (train, test) = Rank2(48);
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.1, MaxSteps = 40 };
            double target;
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
            using (var whole = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 0 }))
            {
                Trainer.Train(net, train, options, new IProbe[] { whole });
                target = whole.Records[20].FullTrainingLoss!.Value;
            }
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
            using (var stopped = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 0 }))
            {
                var result = Trainer.Train(net, train, options with { TargetLoss = target }, new IProbe[] { stopped });
                Assert.That(result.Steps, Is.LessThanOrEqualTo(20).And.GreaterThan(0), "the run stopped at its target");
                var last = stopped.Records[^1];
                Assert.That(last.Step, Is.EqualTo(result.Steps));
                Assert.That(last.FullTrainingLoss, Is.EqualTo(result.FinalTrainingLoss));
                Assert.That(stopped.Records.Select(r => r.FullTrainingLoss), Has.None.Null);
            }
        }
    }

    [TestCase(null)]
    [TestCase(8)]
    public void TrainingWithDiagnosticsGivesTheSameWeightsAsWithout(int? batchSize)
    {
        var (train, test) = Rank2(48);
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 1.0, BatchSize = batchSize, MaxSteps = 25, ShuffleSeed = 3 };
            float[] plain, observed;
            List<double> plainLosses, observedLosses;
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
            {
                var rec = new RecordingObserver();
                Trainer.Train(net, train, options, new[] { rec });
                plain = Weights(net);
                plainLosses = rec.Records.Select(r => r.BatchLoss).ToList();
            }
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
            using (var diagnostics = new DiagnosticsProbe(new DiagnosticsOptions
                   { EigenvalueCount = 3, ProbeSize = 16, CriticalRate = CriticalRateCadence.EveryStep, Every = 2 }))
            {
                var rec = new RecordingObserver();
                Trainer.Train(net, train, options, new ITrainingObserver[] { diagnostics, rec });
                observed = Weights(net);
                observedLosses = rec.Records.Select(r => r.BatchLoss).ToList();
                Assert.That(diagnostics.Records, Is.Not.Empty, "the observer did its work");
                Assert.That(diagnostics.CriticalRates, Has.Count.EqualTo(25));
            }
            Assert.That(observedLosses, Is.EqualTo(plainLosses), "loss curves");
            Assert.That(observed, Is.EqualTo(plain), "final weights, bit for bit");
        }
    }

    [Test]
    public void RecordsMatchIndependentMeasurementsAtTheSameWeights()
    {
        var (train, test) = Rank2(40);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 64, seed: 4))
        using (var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 3, Every = 3 }))
        {
            // Measurements at w₀, taken before training.
            double loss0 = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            var (values0, _) = SpectraEigh(NeuralTangentKernel.Compute(net, train.Features, new NtkOptions { Method = NtkMethod.ExplicitJacobian }));
            double critical0 = train.Count / values0[0];

            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.5, MaxSteps = 10 }, new[] { observer });
            var records = observer.Records;
            Assert.That(records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 6, 9, 10 }));
            Assert.That(records[^1].IsFinal, Is.True);
            Assert.That(records[^1].FullTrainingLoss, Is.EqualTo(result.FinalTrainingLoss));

            var first = records[0];
            Assert.That(first.FullTrainingLoss!.Value, Is.EqualTo(loss0).Within(1e-6 * loss0));
            Assert.That(first.BatchLoss!.Value, Is.EqualTo(loss0).Within(1e-6 * loss0), "full batch: batch loss = full loss");
            Assert.That(first.Eigenvalues, Is.EqualTo(values0.Take(3).ToArray()).Within(1e-4 * values0[0]));
            Assert.That(first.CriticalLearningRate!.Value, Is.EqualTo(critical0).Within(1e-4 * critical0));
            Assert.That(first.ProbeLoss!.Value, Is.EqualTo(loss0).Within(1e-5 * loss0), "the probe set is the whole (small) training set");
            for (int s = 0; s < 3; s++)
                Assert.That(first.ProjectedLosses[s] + first.OrthogonalLosses[s], Is.EqualTo(first.ProbeLoss!.Value).Within(1e-9));
            Assert.That(first.EigenConverged, Is.True);

            var frame = observer.ToDataFrame();
            Assert.That(frame.Rows.Count, Is.EqualTo(5));
            foreach (var column in new[] { "Step", "FullTrainingLoss", "Lambda1", "Lambda3", "ProjectedLoss2", "OrthogonalLoss3", "CriticalLearningRate" })
                Assert.That(frame.Columns.Select(c => c.Name), Does.Contain(column));
            Assert.That((double)frame["Lambda1"][0]!, Is.EqualTo(first.Eigenvalues[0]));
            Assert.That(frame["BatchLoss"][4], Is.Null, "the final record has no batch");
            Assert.That(observer.EventsToDataFrame().Rows.Count, Is.EqualTo(observer.CatapultEvents.Count));
        }
    }

    [Test]
    public void SgdRecordsUseAProbeSubsetAndComputeTheFullLoss()
    {
        var (train, test) = Rank2(64);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 32, seed: 5))
        using (var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 2, ProbeSize = 20, Every = 4 }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.3, BatchSize = 8, MaxSteps = 8, ShuffleSeed = 1 }, new[] { observer });
            var first = observer.Records[0];
            Assert.That(first.Eigenvalues, Has.Count.EqualTo(2));
            Assert.That(first.FullTrainingLoss, Is.Not.Null);
            Assert.That(first.BatchLoss, Is.Not.EqualTo(first.FullTrainingLoss), "a batch of 8 is not the training set");
            Assert.That(first.ProbeLoss, Is.Not.EqualTo(first.FullTrainingLoss).Within(1e-9), "20 probe samples are not the training set");
            Assert.That(observer.CriticalRates.Select(c => c.BatchSize), Is.All.EqualTo(8));
            Assert.That(observer.CriticalRatesToDataFrame().Rows.Count, Is.EqualTo(2));
        }
    }

    [Test]
    public void CrossEntropyRunsRecordSpectraAndRatesButNoProjectedLosses()
    {
        using var g = Seeding.TorchGenerator(3, Seeding.Stream.Data);
        var x = torch.randn(new long[] { 30, 5 }, generator: g);
        var y = x[.., 0].gt(0).to(ScalarType.Int64);
        using var data = new TensorDataset(x, y);
        using var net = Nets.TwoLayer(5, 32, seed: 6, outputs: 2);
        using var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 2 });
        Trainer.Train(net, data, new TrainingOptions { Loss = LossKind.CrossEntropy, LearningRate = 0.5, MaxSteps = 3 }, new[] { observer });
        var first = observer.Records[0];
        Assert.That(first.Eigenvalues, Has.Count.EqualTo(2));
        Assert.That(first.ProjectedLosses, Is.Empty);
        Assert.That(first.CriticalLearningRate, Is.GreaterThan(0));
    }

    [Test]
    public void ObservedTrainingDoesNotLeakTensors()
    {
        var (train, test) = Rank2(24);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 16, seed: 7))
        {
            void Run()
            {
                using var observer = new DiagnosticsProbe(new DiagnosticsOptions
                    { EigenvalueCount = 2, ProbeSize = 10, CriticalRate = CriticalRateCadence.EveryStep });
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.1, BatchSize = 6, MaxSteps = 4 }, new[] { observer });
            }
            TensorAssert.NoLeak(Run, Run, "training with diagnostics");
        }
    }

    [Test]
    public void DivergedRunsKeepFiniteRecordsOnly()
    {
        var (train, test) = Rank2(32);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 32, seed: 8))
        using (var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 1 }))
        {
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 1e4, MaxSteps = 50 }, new[] { observer });
            Assert.That(result.Diverged, Is.True);
            Assert.That(observer.Records, Is.Not.Empty);
            Assert.That(observer.Records.All(r => r.Eigenvalues.All(double.IsFinite)), Is.True);
            Assert.That(observer.Records.Any(r => r.IsFinal), Is.False);
        }
    }

    // Inputs of 1e18 keep the first batch loss finite, but the kernel of the weights after one step overflows float32
    // while the weights stay finite: the run is diverged, not broken by its probe.
    [TestCase(CriticalRateCadence.EveryStep)]
    [TestCase(CriticalRateCadence.Off)]
    public void AKernelThatOverflowsWithFiniteWeightsEndsTheRunAsDiverged(CriticalRateCadence cadence)
    {
        using var features = torch.arange(1, 65, dtype: ScalarType.Float32).reshape(16, 4) * 1e18f;
        using var targets = torch.ones(16, 1);
        using var train = new TensorDataset(features, targets, "huge");
        using var net = Nets.TwoLayer(4, 16, seed: 8, bias: true);
        using var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 2, Every = 1, CriticalRate = cadence });

        var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.1, MaxSteps = 5 }, new[] { observer });

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Reason, Does.Contain("not finite").Or.Contain("non-finite"));
        Assert.That(observer.Records.All(r => r.Eigenvalues.All(double.IsFinite)), Is.True);
        Assert.That(observer.CriticalRates.All(r => double.IsFinite(r.Value) && double.IsFinite(r.Sharpness)), Is.True);
    }

    private static DiagnosticsOptions ResumableOptions() => new()
    {
        EigenvalueCount = 3, ProbeSize = 16, Every = 2, CriticalRate = CriticalRateCadence.EveryStep,
        // Iterative solves even for these small kernels, so that the warm starts matter.
        Lanczos = new LanczosOptions { DenseThreshold = 0, Tolerance = 1e-4 },
        CriticalRateOptions = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { DenseThreshold = 0, Tolerance = 1e-4 } },
    };

    // Records hold arrays, which record equality compares by reference: compare their exact (round-trip) JSON text.
    private static IEnumerable<string> WithoutTimes(IEnumerable<DiagnosticsRecord> records) =>
        records.Select(r => System.Text.Json.JsonSerializer.Serialize(r with { Seconds = 0 },
            new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));

    private static IEnumerable<CriticalRateRecord> WithoutTimes(IEnumerable<CriticalRateRecord> rates) => rates.Select(r => r with { Seconds = 0 });

    /// <summary>Takes the observer's state, the weights and the divergence reference after step <c>At</c>.</summary>
    private sealed class Snapshot(DiagnosticsProbe observer, int at) : ITrainingObserver, IDisposable
    {
        public ProbeState? State { get; private set; }
        public List<Tensor> Weights { get; } = new();

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step != at) return;
            State = observer.CaptureState();
            using var noGrad = torch.no_grad();
            foreach (var p in context.Model.TrainableParameters()) Weights.Add(p.Parameter.detach().clone().DetachFromDisposeScope());
        }

        public void Dispose()
        {
            State?.Dispose();
            foreach (var w in Weights) w.Dispose();
        }
    }

    [Test]
    public void AnObserverRestoredFromItsStateRecordsWhatAnUninterruptedOneRecords()
    {
        var (train, test) = Rank2(48);
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.8, MaxSteps = 30 };
            using var whole = new DiagnosticsProbe(ResumableOptions());
            using var snapshotSource = new DiagnosticsProbe(ResumableOptions());
            using var snapshot = new Snapshot(snapshotSource, at: 14);
            double? reference;
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
                Trainer.Train(net, train, options, new[] { whole });
            using (var net = Nets.TwoLayer(8, 64, seed: 2, bias: true))
            using (var trainer = new Trainer(net, options))
            {
                trainer.Run(train, new ITrainingObserver[] { snapshotSource, snapshot });
                reference = trainer.ReferenceLoss;
            }
            Assert.That(snapshot.State!.WarmStarts.Keys, Is.EquivalentTo(new[] { "probe_warm_start", "critical_rate_warm_start" }),
                "the probe-set solve and full-batch GD's η_crit keep warm starts");
            Assert.That(snapshot.State.Data["records"]!.AsArray().Select(r => (int)r!["step"]!), Is.EqualTo(new[] { 0, 2, 4, 6, 8, 10, 12, 14 }));

            DiagnosticsProbe Resume(ProbeState state)
            {
                var resumed = new DiagnosticsProbe(ResumableOptions());
                resumed.RestoreState(state);
                using var net = Nets.TwoLayer(8, 64, seed: 99, bias: true);
                using (torch.no_grad())
                    foreach (var (p, w) in net.TrainableParameters().Zip(snapshot.Weights)) p.Parameter.copy_(w);
                using var trainer = new Trainer(net, options);
                trainer.ResumeAt(15, reference);
                trainer.Run(train, new[] { resumed });
                return resumed;
            }

            using (var resumed = Resume(snapshot.State))
            {
                Assert.That(WithoutTimes(resumed.Records), Is.EqualTo(WithoutTimes(whole.Records)), "records, bit for bit");
                Assert.That(WithoutTimes(resumed.CriticalRates), Is.EqualTo(WithoutTimes(whole.CriticalRates)));
                Assert.That(resumed.CatapultEvents, Is.EqualTo(whole.CatapultEvents));
                Assert.That(resumed.Detector.Points, Is.EqualTo(whole.Detector.Points), "the detector is rebuilt from the restored records");
            }

            // Control: without the warm starts the later eigenvalues agree only to the solver's tolerance, which is
            // why they are part of the state.
            using var cold = new ProbeState(snapshot.State.Name, snapshot.State.Data);
            using (var resumed = Resume(cold))
            {
                var later = resumed.Records.Where(r => r.Step > 14).SelectMany(r => r.Eigenvalues).ToList();
                var expected = whole.Records.Where(r => r.Step > 14).SelectMany(r => r.Eigenvalues).ToList();
                Assert.That(later, Is.Not.EqualTo(expected));
                Assert.That(later, Is.EqualTo(expected).Within(1e-2 * expected.Max()));
            }
        }
    }

    [Test]
    public void StateCannotBeCapturedWhileAStepRecordIsHalfDone()
    {
        var (train, test) = Rank2(24);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(8, 16, seed: 3))
        using (var observer = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 1 }))
        {
            Exception? error = null;
            // Listed before the diagnostics observer, so step 0's record is still waiting for its batch loss.
            var early = new CallbackObserver(() => { try { observer.CaptureState().Dispose(); } catch (Exception ex) { error ??= ex; } });
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.1, MaxSteps = 1 }, new ITrainingObserver[] { early, observer });
            Assert.That(error, Is.TypeOf<InvalidOperationException>());
            Assert.That(error!.Message, Does.Contain("step 0"));
            using var after = observer.CaptureState();
            Assert.That(after.Data["records"]!.AsArray().Select(r => (int)r!["step"]!), Is.EqualTo(new[] { 0, 1 }), "after training the state is complete");
            Assert.That(after.WarmStarts, Is.Empty, "training released the warm starts");
        }
    }

    private sealed class CallbackObserver(Action onStep) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => onStep();
    }

    private static (double[] Values, Tensor Vectors) SpectraEigh(Tensor k) => Spectra.SpectraTestSupport.EighDescending(k);
}
