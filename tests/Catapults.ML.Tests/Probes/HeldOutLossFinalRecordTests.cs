using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (5 Dec 2026): the final record of a scheduled probe was untested at its two edges: a
/// diverged run must get no record at its final weights, and a run that stops at a step the probe already measured
/// must not get that step twice. Dropping either condition left the suite green.
/// </summary>
public sealed class HeldOutLossFinalRecordTests
{
    private static TensorDataset Data(int seed) => Catapults.ML.Tests.Training.DivergenceSignalTests.Data(seed);

    [Test]
    public void ADivergedRunGetsNoRecordAtItsFinalWeights()
    {
        using var data = Data(3);
        using var heldOut = Data(4);
        using var net = Nets.Linear(4, bias: true);
        var probe = new HeldOutLossProbe(heldOut, every: 5);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 1.5, MaxSteps = 200, DivergenceFactor = 2 });
        var result = trainer.Run(data, new ITrainingObserver[] { probe });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.GreaterThan(0).And.LessThan(5), "the run diverges between two measurements");
        Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0 }), "the initial weights only: none at the final weights of a diverged run");
    }

    [Test]
    public void ARunStoppedByItsTargetLossRecordsEachStepOnce()
    {
        using var data = Data(3);
        using var heldOut = Data(4);
        using var net = Nets.Linear(4, bias: true);
        var probe = new HeldOutLossProbe(heldOut, every: 1);
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.01, MaxSteps = 50, TargetLoss = 1e9 });
        var result = trainer.Run(data, new ITrainingObserver[] { probe });
        Assert.That(result.Outcome, Is.Not.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
        Assert.That(result.Steps, Is.EqualTo(0), "the initial loss is already below the target");
        Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0 }), "step 0 was measured; the final weights are the same step");
    }

    // Found by mutation testing (round 21A): RecordFinal = false was ignored by every probe but the AGOP one, which
    // checks it itself; no test turned it off on a probe that leaves the final record to the base class.
    [Test]
    public void ARunWithoutRecordFinalHasOnlyItsCadencesRecords()
    {
        using var data = Data(3);
        using var heldOut = Data(4);
        using var net = Nets.Linear(4, bias: true);
        using var probe = new HeldOutLossProbe(heldOut, new HeldOutLossProbeOptions { Every = 3, RecordFinal = false });
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 7 }, new[] { probe });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 6 }), "no record at the final weights, step 7");
    }
}
