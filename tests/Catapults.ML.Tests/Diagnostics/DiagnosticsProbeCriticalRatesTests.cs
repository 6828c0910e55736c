using System.Text.Json.Nodes;
using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (round 29A): the diagnostics probe's batch critical rates start afresh as its records do,
/// with each new run and with each restored state. Left in place, a second run's rate table began with the first run's
/// rows (steps 0, 1, 2, 0, 1, 2), and a restore appended the state's rates to the probe's own.
/// </summary>
[TestFixture]
public sealed class DiagnosticsProbeCriticalRatesTests
{
    [Test]
    public void ANewRunStartsItsCriticalRatesAfresh()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 5, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.EveryStep }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 };
            Trainer.Train(net, train, options, new[] { probe });
            Assert.That(probe.CriticalRates.Select(r => r.Step), Is.EqualTo(new[] { 0, 1, 2 }));
            Trainer.Train(net, train, options with { MaxSteps = 2 }, new[] { probe });
            Assert.That(probe.CriticalRates.Select(r => r.Step), Is.EqualTo(new[] { 0, 1 }), "the second run's rates only");
            Assert.That(probe.CriticalRatesToDataFrame().Rows.Count, Is.EqualTo(2));
        }
    }

    // At records only: a continuation that starts at the step its state's final record measured does not measure that
    // step again, and takes no batch rate there either (a rate without its record).
    [Test]
    public void AContinuationTakesNoRateAtTheStepItsStateAlreadyRecorded()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.AtRecords }))
        using (var resumed = new DiagnosticsProbe(new DiagnosticsOptions { Every = 2, EigenvalueCount = 0, CriticalRate = CriticalRateCadence.AtRecords }))
        {
            var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 2 };
            Trainer.Train(net, train, options, new[] { probe });
            using (var state = probe.CaptureState()) resumed.RestoreState(state);
            using var trainer = new Trainer(net, options with { MaxSteps = 5 });
            trainer.ResumeAt(2, referenceLoss: null);
            trainer.Run(train, new[] { resumed });
            Assert.That(resumed.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 2, 4, 5 }));
            Assert.That(resumed.CriticalRates.Select(r => r.Step), Is.EqualTo(new[] { 0, 4 }), "the steps measured in this run or the last");
        }
    }

    [Test]
    public void ARestoreReplacesTheCriticalRatesWithTheStates()
    {
        using var probe = new DiagnosticsProbe(new DiagnosticsOptions { Every = 1, EigenvalueCount = 0 });
        static string Rate(int step) =>
            $"{{\"step\":{step},\"learningRate\":0.1,\"value\":0.5,\"sharpness\":4,\"batchSize\":8,\"seconds\":0}}";
        using (var first = new ProbeState(probe.Name, JsonNode.Parse($"{{\"records\":[],\"criticalRates\":[{Rate(0)},{Rate(1)}]}}")!.AsObject()))
            probe.RestoreState(first);
        using (var second = new ProbeState(probe.Name, JsonNode.Parse($"{{\"records\":[],\"criticalRates\":[{Rate(7)}]}}")!.AsObject()))
            probe.RestoreState(second);
        Assert.That(probe.CriticalRates.Select(r => r.Step), Is.EqualTo(new[] { 7 }));
    }
}
