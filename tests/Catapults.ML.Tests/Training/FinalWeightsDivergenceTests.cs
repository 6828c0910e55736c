using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): a run on a dataset whose last update breaks the weights ends as diverged at
/// the step it stopped at, with the non-finite final loss as the offending one and the last batch loss as the last
/// finite one; only the online variant (no dataset, the weights themselves checked) had a test. Also: a negative
/// final rate of a warm-up schedule is refused by name.
/// </summary>
public sealed class FinalWeightsDivergenceTests
{
    [Test]
    public void ALastUpdateThatBreaksTheWeightsIsADivergenceAtTheStepTheRunStopped()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        // One step of 1e30 (a float32 number) moves the weights to ~1e30: the squared outputs overflow float32.
        var recorder = new RecordingObserver();
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 1e30, MaxSteps = 1 }, new[] { recorder });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(1));
        Assert.That(result.Divergence!.Step, Is.EqualTo(1), "the run stopped after its one update");
        Assert.That(result.Divergence.Reason, Is.EqualTo("the training loss at the final weights is not finite"));
        Assert.That(result.Divergence.OffendingLoss is double bad && !double.IsFinite(bad), Is.True, $"offending loss {result.Divergence.OffendingLoss}");
        Assert.That(result.Divergence.LastFiniteLoss, Is.EqualTo(recorder.Records.Single().BatchLoss));
        Assert.That(result.FinalTrainingLoss, Is.Null);
    }

    [Test]
    public void ANegativeFinalRateIsRefusedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(1.0, 2, 10, DecayKind.Linear, finalRate: -0.1));
        Assert.That(ex!.ParamName, Is.EqualTo("finalRate"));
        Assert.That(ex.ActualValue, Is.EqualTo(-0.1));
    }
}
