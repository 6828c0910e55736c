using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (round 29A): a minibatch record with no full loss of its own (RecordFullLoss off, and no
/// trainer full loss) leaves FullTrainingLoss empty. Only in full-batch GD is the batch loss the full loss; completing
/// a minibatch record with its batch loss passed every test, and the loss series and catapult detector then read a
/// batch of 8 as the training loss.
/// </summary>
[TestFixture]
public sealed class DiagnosticsProbeFullLossTests
{
    [Test]
    public void AMinibatchRecordWithoutAFullLossLeavesItEmpty()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions
               { Every = 2, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.Off, RecordFullLoss = false }))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 }, new[] { probe });
            var steps = probe.Records.Where(r => !r.IsFinal).ToList();
            Assert.That(steps.Select(r => r.Step), Is.EqualTo(new[] { 0, 2 }));
            Assert.That(steps.Select(r => r.BatchLoss), Has.All.Not.Null, "each step's batch loss");
            Assert.That(steps.Select(r => r.FullTrainingLoss), Has.All.Null, "a batch of 8 is not the training set of 40");
        }
    }
}
