using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The full training loss at one step's weights is one pass over the data, however many ask for it: observers through
/// <see cref="TrainingContext.ComputeFullTrainingLoss"/> and the trainer's own target-loss check.
/// </summary>
public class FullLossSharingTests
{
    private const int N = 20;

    [Test]
    public void ObserversAndTheTargetCheckShareOnePassPerStep()
    {
        using var data = Data();
        using var net = new CountingNetwork(Nets.Linear(3, seed: 1));
        var asker = new Asker();
        // Target checks at steps 0, 2 and 4 (an unreachable target, so the run goes on); the asker asks at every
        // step before it, twice, and after every update.
        var options = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 6, FullLossEvery = 2, TargetLoss = 1e-12 };
        var result = Trainer.Train(net, data, options, new ITrainingObserver[] { asker });

        Assert.That(result.Steps, Is.EqualTo(6));
        // Weights w_0 … w_6: one pass each, although the trainer asked three times and the asker eighteen.
        Assert.That(net.FullPasses, Is.EqualTo(7));
        for (int step = 0; step < 6; step++)
        {
            // What an observer reads equals a fresh pass at those weights, and the trainer's record uses the same value.
            Assert.That(asker.Before[step], Is.EqualTo(asker.Fresh[step]), $"step {step}");
            if (step % 2 == 0) Assert.That(asker.Records[step].FullTrainingLoss, Is.EqualTo(asker.Before[step]), $"step {step}'s record");
        }
    }

    [Test]
    public void WeightsChangedBetweenRunsAreNotServedTheOldLoss()
    {
        using var data = Data();
        using var net = new CountingNetwork(Nets.Linear(3, seed: 1));
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 2, FullLossEvery = 1, TargetLoss = 1e-12 });
        var first = trainer.Run(data);
        using (torch.no_grad())
            foreach (var p in net.parameters()) p.add_(1.0);
        // Weights changed from outside (as a restored checkpoint does), at the same step count.
        var asker = new Asker();
        trainer.Options = trainer.Options with { MaxSteps = 3 };
        trainer.Run(data, new ITrainingObserver[] { asker });
        Assert.That(asker.Before[2], Is.EqualTo(asker.Fresh[2]));
        Assert.That(first.Steps, Is.EqualTo(2));
    }

    // Found by mutation testing (round 31C): in full-batch GD the batch loss that reached the target is the full training
    // loss, and the result reports it as the final one without another pass over the data.
    [Test]
    public void AFullBatchRunReportsTheLossThatReachedItsTargetWithoutAnotherPass()
    {
        using var data = Data();
        using var net = new CountingNetwork(Nets.Linear(3, seed: 1));
        double initial = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        net.FullPasses = 0;
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, MaxSteps = 6, TargetLoss = 2 * initial });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.TargetLossReached));
        Assert.That(result.Steps, Is.EqualTo(0));
        Assert.That(result.FinalTrainingLoss, Is.EqualTo(initial).Within(1e-6 * initial));
        Assert.That(net.FullPasses, Is.EqualTo(1), "step 0's batch pass, which is the full loss");
    }

    private static TensorDataset Data()
    {
        using var g = Seeding.TorchGenerator(5, Seeding.Stream.Data);
        return new TensorDataset(torch.randn(new long[] { N, 3 }, generator: g), torch.randn(new long[] { N, 1 }, generator: g));
    }

    private sealed class Asker : ITrainingObserver
    {
        public Dictionary<int, double> Before { get; } = new();
        public Dictionary<int, double> Fresh { get; } = new();
        public Dictionary<int, StepRecord> Records { get; } = new();

        public void OnBeforeStep(StepContext step)
        {
            Before[step.Step] = step.Training.ComputeFullTrainingLoss()!.Value;
            Assert.That(step.Training.ComputeFullTrainingLoss(), Is.EqualTo(Before[step.Step]), "asked twice");
            var counting = (CountingNetwork)step.Training.Model;
            int passes = counting.FullPasses;
            Fresh[step.Step] = Losses.Evaluate(counting, step.Training.TrainingData!, LossKind.MeanSquaredError);
            counting.FullPasses = passes;
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            Records[record.Step] = record;
            context.ComputeFullTrainingLoss();
        }
    }

    // Counts forward passes over the whole data set (batches are smaller).
    private sealed class CountingNetwork : NetworkModule
    {
        private readonly FullyConnectedNetwork inner;

        public CountingNetwork(FullyConnectedNetwork inner) : base("counting")
        {
            this.inner = inner;
            RegisterComponents();
        }

        public int FullPasses { get; set; }

        public override long[] InputShape => inner.InputShape;

        public override int OutputCount => inner.OutputCount;

        public override string Describe() => "counting " + inner.Describe();

        public override Tensor forward(Tensor x)
        {
            if (x.shape[0] == N) FullPasses++;
            return inner.forward(x);
        }
    }
}
