using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): with a <see cref="TrainingOptions.TargetLoss"/> and no
/// <see cref="TrainingOptions.FullLossEvery"/>, the full training loss is computed once per epoch, at each epoch's first
/// step. A trainer that computed it at every step (a pass over the whole set per step) reached the same outcomes, so
/// only the step records show the cadence.
/// </summary>
public sealed class TargetLossCadenceTests
{
    [Test]
    public void WithATargetLossAloneTheFullLossIsComputedAtTheFirstStepOfEachEpoch()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data(); // 20 samples: 4 steps of 5 per epoch
        using var net = Nets.Linear(4, bias: true);
        var recorder = new RecordingObserver();
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, BatchSize = 5, MaxSteps = 10, TargetLoss = 1e-9 },
            new[] { recorder });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        var withFullLoss = recorder.Records.Where(r => r.FullTrainingLoss is not null).Select(r => r.Step);
        Assert.That(withFullLoss, Is.EqualTo(new[] { 0, 4, 8 }));
    }

    // Found by mutation testing (round 15C): the once-per-epoch pass belongs to the target loss. Without a target (and
    // with FullLossEvery 0) a minibatch run computes no full loss at all; a trainer that kept the epoch cadence anyway
    // paid a pass over the set per epoch and put its values in the step records.
    [Test]
    public void WithoutATargetLossAMinibatchRunComputesNoFullLoss()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data(); // 20 samples: 4 steps of 5 per epoch
        using var net = Nets.Linear(4, bias: true);
        var recorder = new RecordingObserver();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, BatchSize = 5, MaxSteps = 10 }, new[] { recorder });
        Assert.That(recorder.Records, Has.Count.EqualTo(10));
        Assert.That(recorder.Records.Select(r => r.FullTrainingLoss), Is.All.Null);
    }

    // Found by mutation testing (round 23C): FullLossEvery = 1 is the cadence "every step", the finest one, and wins over
    // the target loss's once-per-epoch pass. A trainer that treated 1 like 0 kept the epoch cadence (steps 0, 4, 8 here).
    [Test]
    public void AFullLossCadenceOfOneComputesTheFullLossAtEveryStep()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data(); // 20 samples: 4 steps of 5 per epoch
        using var net = Nets.Linear(4, bias: true);
        // The loss at the initial weights, evaluated before the run touches them.
        double initial = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        var recorder = new RecordingObserver();
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, BatchSize = 5, MaxSteps = 6, FullLossEvery = 1, TargetLoss = 1e-9 },
            new[] { recorder });
        Assert.That(recorder.Records.Where(r => r.FullTrainingLoss is not null).Select(r => r.Step), Is.EqualTo(Enumerable.Range(0, 6)));
        Assert.That(recorder.Records[0].FullTrainingLoss, Is.EqualTo(initial).Within(1e-12));
    }
}
