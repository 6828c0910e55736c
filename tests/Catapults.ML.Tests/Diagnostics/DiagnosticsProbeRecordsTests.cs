using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>DiagnosticsProbe's records and loss series against values computed independently.</summary>
public class DiagnosticsProbeRecordsTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    // Minibatch SGD: the loss series is the full training loss of each record (the batch loss only without one).
    [Test]
    public void TheLossSeriesOfAMinibatchRunIsTheFullTrainingLoss()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            double initial = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4, ShuffleSeed = 2 }, new[] { probe });
            var series = probe.LossSeries();
            Assert.That(series[0].Step, Is.EqualTo(0));
            Assert.That(series[0].Loss, Is.EqualTo(initial).Within(1e-6 * initial));
            Assert.That(probe.Records[0].BatchLoss, Is.Not.EqualTo(initial).Within(1e-6 * initial), "a batch of 8 is not the set of 40");
        }
    }

    // Found by mutation testing (round 15C): the final record's epoch is the trainer's epoch of its step, t / steps per
    // epoch. A run of exactly one epoch (5 steps of batches of 8 from 40 samples) ends at step 5, the first of epoch 1.
    [TestCase(5, 1)]
    [TestCase(7, 1)]
    [TestCase(10, 2)]
    public void TheFinalRecordsEpochIsTheEpochOfItsStep(int steps, int epoch)
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 100, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = steps }, new[] { probe });
            var final = probe.Records[^1];
            Assert.That((final.Step, final.IsFinal), Is.EqualTo((steps, true)));
            Assert.That(final.Epoch, Is.EqualTo(epoch));
        }
    }

    // Found by mutation testing (round 15C): a minibatch run stopped by its target loss at a record's step completes
    // that record's full loss with the final loss at those weights, but has no batch loss for it: the full loss of 40
    // samples is not the loss of a batch of 8.
    [Test]
    public void AMinibatchRunStoppedAtARecordGetsItsFullLossButNoBatchLoss()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off, RecordFullLoss = false }))
        {
            double initial = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 12, TargetLoss = 2 * initial }, new[] { probe });
            Assert.That((result.Outcome, result.Steps), Is.EqualTo((TrainingOutcome.TargetLossReached, 0)));
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0 }));
            Assert.That(probe.Records[0].FullTrainingLoss!.Value, Is.EqualTo(initial).Within(1e-6 * initial));
            Assert.That(probe.Records[0].BatchLoss, Is.Null);
        }
    }

    // The series follows steps upwards: records of a later trainer's run (which counts from 0 again) join it only
    // past its last step, and never twice at one step.
    [Test]
    public void TheLossSeriesHasOnePointPerStep()
    {
        using var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 3, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off });
        string Rec(int step, double loss) => $"{{\"step\":{step},\"epoch\":0,\"learningRate\":0.1,\"batchLoss\":{loss}}}";
        var json = $"{{\"records\":[{Rec(0, 4)},{Rec(3, 3)},{Rec(6, 2)},{Rec(3, 9)},{Rec(6, 8)},{Rec(9, 1)}],\"criticalRates\":[]}}";
        using var state = new ProbeState(probe.Name, System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject());
        probe.RestoreState(state);
        var series = probe.LossSeries();
        Assert.That(series.Select(p => p.Step), Is.EqualTo(new[] { 0, 3, 6, 9 }));
        Assert.That(series.Select(p => p.Loss), Is.EqualTo(new[] { 4.0, 3, 2, 1 }));
    }

    // With several outputs the kernel of m probe samples is (m·C)×(m·C): a probe set of 2 samples and 3 outputs has 6 eigenvalues.
    [Test]
    public void AMultiOutputProbeSetHasSamplesTimesOutputsEigenvalues()
    {
        using var scope = NewDisposeScope();
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(5, Catapults.ML.Runtime.Seeding.Stream.Data);
        var x = randn(new long[] { 10, 6 }, generator: g);
        var y = randn(new long[] { 10, 3 }, generator: g);
        using var train = new TensorDataset(x, y, "three-outputs");
        using var probeSet = new TensorDataset(x.narrow(0, 0, 2), y.narrow(0, 0, 2), "two");
        using var net = Nets.TwoLayer(6, 16, seed: 1, outputs: 3);
        var (expected, _) = Spectra.SpectraTestSupport.EighDescending(
            NeuralTangentKernel.Compute(net, probeSet.Features, new NtkOptions { Method = NtkMethod.ExplicitJacobian }));
        using var probe = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 5, ProbeSet = probeSet, CriticalRate = CriticalRateCadence.Off });
        Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.01, MaxSteps = 1 }, new[] { probe });
        var first = probe.Records[0];
        Assert.That(first.Eigenvalues, Has.Count.EqualTo(5), "min(5, 2 samples × 3 outputs)");
        Assert.That(first.Eigenvalues, Is.EqualTo(expected.Take(5).ToArray()).Within(1e-3 * expected[0]));
    }

    // The trainer's own full loss (FullLossEvery) completes a record that did not measure one itself.
    [Test]
    public void ARecordWithoutItsOwnFullLossTakesTheTrainersFullLoss()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 0, RecordFullLoss = false, CriticalRate = CriticalRateCadence.Off }))
        {
            double initial = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4, FullLossEvery = 2 }, new[] { probe });
            Assert.That(probe.Records[0].FullTrainingLoss, Is.Not.Null);
            Assert.That(probe.Records[0].FullTrainingLoss!.Value, Is.EqualTo(initial).Within(1e-6 * initial));
        }
    }

    // Full batch: a run stopped by its target at a recorded step has that record's batch loss too (it is the full loss).
    [Test]
    public void AFullBatchRunStoppedAtARecordKeepsItsBatchLoss()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.5, MaxSteps = 12 };
            double target;
            using (var net = Nets.TwoLayer(6, 16, seed: 1, bias: true))
            using (var whole = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
            {
                Trainer.Train(net, train, options, new[] { whole });
                target = whole.Records[6].FullTrainingLoss!.Value;
            }
            using (var net = Nets.TwoLayer(6, 16, seed: 1, bias: true))
            using (var stopped = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
            {
                var result = Trainer.Train(net, train, options with { TargetLoss = target }, new[] { stopped });
                Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
                var last = stopped.Records[^1];
                Assert.That(last.Step, Is.EqualTo(result.Steps));
                Assert.That(last.BatchLoss, Is.EqualTo(result.FinalTrainingLoss), "full batch: the batch loss is the full loss");
            }
        }
    }

    // 40 samples in batches of 8 are 5 steps an epoch: the final weights after 7 steps are in epoch ⌊7/5⌋ = 1, as a step record of step 7 would be.
    [Test]
    public void TheFinalRecordsEpochIsTheEpochOfItsStep()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 3, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 7 }, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 6, 7 }));
            Assert.That(probe.Records.Select(r => r.Epoch), Is.EqualTo(new[] { 0, 0, 1, 1 }));
            Assert.That(probe.Records[^1].IsFinal, Is.True);
        }
    }

    [Test]
    public void AProbeSetOfAnotherFeatureCountIsRefusedByName()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var narrow = new TensorDataset(test.Features.narrow(1, 0, 3), test.Targets, "narrow"))
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { EigenvalueCount = 2, ProbeSet = narrow }))
        {
            var ex = Assert.Throws<ArgumentException>(() =>
                Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, MaxSteps = 2 }, new[] { probe }));
            Assert.That(ex!.Message, Does.Contain("ProbeSet has 3 features but the model expects 6"));
        }
    }
}
