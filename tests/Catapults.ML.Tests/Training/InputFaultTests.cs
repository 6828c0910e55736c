using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Faults of the inputs are refused as such, not reported as a divergence that blames the learning rate: non-finite
/// data (naming the row), and a loss that is not finite at the initial weights, before any update.
/// </summary>
public sealed class InputFaultTests
{
    private static readonly NetworkDescription Fcn = new() { Architecture = "fcn-2", Width = 8 };
    private static readonly TrainingOptions Sgd = new() { LearningRate = 0.1, BatchSize = 8, MaxSteps = 20 };

    private static TensorDataset Data(Action<torch.Tensor, torch.Tensor>? spoil = null, float targetScale = 1)
    {
        var x = torch.randn(32, 4);
        var y = torch.randn(32, 1) * targetScale;
        spoil?.Invoke(x, y);
        return new TensorDataset(x, y);
    }

    [Test]
    public void ANaNFeatureIsRefusedNamingItsRow()
    {
        using var data = Data((x, _) => x[21, 2] = torch.tensor(float.NaN));
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, Sgd));
        Assert.That(ex!.Message, Does.StartWith("dataset holds NaN in the features at row 21 (counted from 0), slot 2; training needs finite values."));
    }

    [Test]
    public void AnEmptyTrainingSetIsNamedAsSuch()
    {
        using var data = new TensorDataset(torch.zeros(0, 4), torch.zeros(0, 1), "empty");
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, Sgd with { BatchSize = null }));
        Assert.That(ex!.Message, Does.StartWith("The training set empty has no samples."));
    }

    [Test]
    public void AnInfiniteTargetIsRefusedNamingItsRow()
    {
        using var data = Data((_, y) => y[7, 0] = torch.tensor(float.NegativeInfinity));
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, Sgd));
        Assert.That(ex!.Message, Does.StartWith("dataset holds -Infinity in the targets at row 7 (counted from 0), slot 0;"));
    }

    [Test]
    public void TargetsTooLargeToSquareAreNotBlamedOnTheRate()
    {
        using var data = Data(targetScale: 3e38f / 5);
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, Sgd));
        Assert.That(ex!.Message, Does.StartWith("The loss at the initial weights is not finite (Infinity on the first batch, before any update")
            .And.Contain("targets' scale"));
    }

    [Test]
    public void AnOverflowingOutputMultiplierIsNotBlamedOnTheRate()
    {
        using var data = Data();
        using var net = (Fcn with { OutputMultiplier = 1e300 }).Build(new long[] { 4 }, 1, 0);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, Sgd));
        Assert.That(ex!.Message, Does.StartWith("The loss at the initial weights is not finite").And.Contain("OutputMultiplier"));
    }

    [Test]
    public void AStreamsNaNBatchIsNamedWhenItMakesTheLossNonFinite()
    {
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var result = Assert.Throws<ArgumentException>(() => new Trainer(net, Sgd).Run(new SpoiledStream(spoiledStep: 3)));
        Assert.That(result!.Message, Does.StartWith("The batch of step 3 holds NaN in its features (sample 25, slot 1)"));
    }

    [Test]
    public void ALossThatTurnsNonFiniteAfterUpdatesIsStillADivergence()
    {
        using var data = Data();
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        var result = Trainer.Train(net, data, Sgd with { LearningRate = 1e6 });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.GreaterThan(0));
    }

    [Test]
    public void AnEnsembleRefusesNaNDataNamingTheRow()
    {
        using var data = Data((x, _) => x[3, 1] = torch.tensor(float.NaN));
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Fcn, Sgd, 1) }, new long[] { 4 }, 1);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(data));
        Assert.That(ex!.Message, Does.StartWith("dataset holds NaN in the features at row 3 (counted from 0), slot 1;"));
    }

    [Test]
    public void AnEnsembleMembersNonFiniteInitialLossNamesTheMember()
    {
        using var data = Data();
        var members = new[] { new EnsembleMember(Fcn, Sgd, 1), new EnsembleMember(Fcn with { OutputMultiplier = 1e300 }, Sgd, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);
        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble).Run(data));
        Assert.That(ex!.Message, Does.StartWith("Member 1: the loss at the initial weights is not finite").And.Contain("OutputMultiplier"));
    }

    // Found by mutation testing (round 31C): only a loss at step 0 is "before any update". A loss that turns non-finite
    // right after the first update is a divergence at step 1, not a fault of the inputs.
    [Test]
    public void ALossThatTurnsNonFiniteAfterTheFirstUpdateIsADivergenceAtStepOne()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        // One full-batch step of 1e30 (a float32 number) moves the weights to ~1e30: the next loss overflows float32.
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 1e30, MaxSteps = 5 });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.EqualTo(1));
        Assert.That(result.Divergence.Reason, Is.EqualTo("the batch loss is not finite"));
    }

    // Found by mutation testing (round 31C): a stream's batch is checked in its targets too, and the message says so.
    [Test]
    public void AStreamsNaNTargetIsNamedWhenItMakesTheLossNonFinite()
    {
        using var net = Fcn.Build(new long[] { 4 }, 1, 0);
        using var trainer = new Trainer(net, Sgd);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Run(new SpoiledStream(spoiledStep: 3, inTargets: true)));
        Assert.That(ex!.Message, Does.StartWith("The batch of step 3 holds NaN in its targets (sample 25, slot 0)"));
    }

    // Fresh batches of 8 with serial numbers; the one of spoiledStep holds a NaN in its second sample, in a feature or
    // in its target.
    private sealed class SpoiledStream(int spoiledStep, bool inTargets = false) : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 8;

        public Batch BatchAt(int step)
        {
            var x = torch.randn(8, 4);
            var y = torch.randn(8, 1);
            if (step == spoiledStep)
            {
                if (inTargets) y[1, 0] = torch.tensor(float.NaN);
                else x[1, 1] = torch.tensor(float.NaN);
            }
            return new Batch(x, y, Enumerable.Range(8 * step, 8).Select(i => (long)i).ToArray(), 0);
        }
    }
}
