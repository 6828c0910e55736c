using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>The trainer's target-loss rule and its epoch count, against the documented rules.</summary>
public class TrainerStoppingTests
{
    private static (TensorDataset Train, TensorDataset Test) Data() => SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);

    // "When TargetLoss is set and FullLossEvery is 0, it is computed once per epoch": a target above the initial loss
    // stops minibatch SGD at step 0, the first epoch's check.
    [Test]
    public void AMinibatchRunChecksItsTargetOncePerEpoch()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            double initial = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 12, TargetLoss = 2 * initial });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
            Assert.That(result.Steps, Is.EqualTo(0));
            Assert.That(result.FinalTrainingLoss!.Value, Is.EqualTo(initial).Within(1e-6 * initial));
        }
    }

    // "Stop once the full training loss is at or below this value": a target equal to the loss is reached.
    [Test]
    public void ATargetEqualToTheLossIsReached()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        {
            var options = new TrainingOptions { LearningRate = 0.05, MaxSteps = 3 };
            double atStep1;
            using (var net = Nets.TwoLayer(6, 16, seed: 1))
            {
                var recorder = new RecordingObserver();
                Trainer.Train(net, train, options, new[] { recorder });
                atStep1 = recorder.Records[1].FullTrainingLoss!.Value;
            }
            using (var net = Nets.TwoLayer(6, 16, seed: 1))
            {
                var result = Trainer.Train(net, train, options with { TargetLoss = atStep1 });
                Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
                Assert.That(result.Steps, Is.EqualTo(1));
                Assert.That(result.FinalTrainingLoss, Is.EqualTo(atStep1));
            }
        }
    }

    // 7 steps of 5 per epoch (40 samples, batches of 8) touch 2 epochs.
    [Test]
    public void EpochsCountEveryEpochARunTouched()
    {
        var (train, test) = Data();
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            Assert.That(Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 7 }).Epochs, Is.EqualTo(2));
        }
    }

    // Found by mutation testing (round 31C): step t belongs to epoch ⌊t / steps per epoch⌋, counted from 0, and a budget
    // of E epochs runs E whole epochs.
    [Test]
    public void StepsCountTheirEpochFromZeroAndAnEpochBudgetRunsWholeEpochs()
    {
        using var data = DivergenceSignalTests.Data(); // 20 samples: 4 steps of 5 per epoch
        using var net = Nets.Linear(4);
        var recorder = new RecordingObserver();
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.05, BatchSize = 5, MaxEpochs = 2 }, new[] { recorder });
        Assert.That(result.Steps, Is.EqualTo(8), "two epochs of four steps");
        Assert.That(result.Epochs, Is.EqualTo(2));
        Assert.That(recorder.Records.Select(r => r.Epoch), Is.EqualTo(new[] { 0, 0, 0, 0, 1, 1, 1, 1 }));
    }
}
