using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>Batch sources, schedules and the trainer's documented checks at their boundaries.</summary>
public class TrainingSourcesAndChecksTests
{
    [Test]
    public void AnOnlineGeneratorThatReturnsTheWrongCountIsRefused()
    {
        var source = new OnlineBatchSource((n, g) => new TensorDataset(torch.randn(new long[] { n - 1, 3 }, generator: g), torch.zeros(n - 1, 1)), 4, seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() => source.BatchAt(0));
        Assert.That(ex!.Message, Does.Contain("returned 3 samples at step 0; the batch size is 4"));
    }

    // Too many samples are as wrong as too few: the step's indices would name b samples while its loss averaged over
    // more, so the batch size the critical rate is computed for would not be the one trained with.
    [Test]
    public void AnOnlineGeneratorThatReturnsMoreSamplesThanTheBatchIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        var source = new OnlineBatchSource((n, g) => new TensorDataset(torch.randn(new long[] { n + 1, 3 }, generator: g), torch.zeros(n + 1, 1)), 4, seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() => source.BatchAt(2));
        Assert.That(ex!.Message, Does.Contain("returned 5 samples at step 2; the batch size is 4"));
    }

    [Test]
    public void AnOnlineStepSeedOfANegativeStepIsRefused()
    {
        var source = OnlineBatchSource.ForTask(SyntheticTask.Rank2(4), 2, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.StepSeed(-1));
        Assert.DoesNotThrow(() => source.StepSeed(0));
    }

    [Test]
    public void AStreamBatchLargerThanItsPoolIsRefused()
    {
        using var pool = new TensorDataset(torch.zeros(5, 2), torch.zeros(5, 1), "five");
        Assert.Throws<ArgumentOutOfRangeException>(() => new DatasetStreamBatchSource(pool, 6));
        Assert.DoesNotThrow(() => new DatasetStreamBatchSource(pool, 5));
    }

    // ⌊7 / 2⌋ = 3 steps: a run of 3 is served, a run of 4 is refused before it starts.
    [Test]
    public void AStreamServesExactlyItsAvailableSteps()
    {
        using var pool = new TensorDataset(torch.zeros(7, 2), torch.zeros(7, 1), "seven");
        var source = new DatasetStreamBatchSource(pool, 2, shuffleSeed: 1);
        Assert.That(source.AvailableSteps, Is.EqualTo(3));
        Assert.DoesNotThrow(() => source.EnsureCanServe(3));
        Assert.Throws<InvalidOperationException>(() => source.EnsureCanServe(4));
    }

    // Found by mutation testing (round 23C): shuffle: false visits the pool in its own order (a stream over data that is
    // already in a meaningful order, such as time), whatever the seed; a source that shuffled anyway left the suite green.
    [Test]
    public void AStreamWithoutShuffleTakesThePoolInOrder()
    {
        using var scope = torch.NewDisposeScope();
        using var pool = RowIndexData.Of(7, "seven");
        var source = new DatasetStreamBatchSource(pool, 2, shuffleSeed: 5, shuffle: false);
        Assert.That(Enumerable.Range(0, 3).Select(source.IndicesAt), Is.EqualTo(new[] { new long[] { 0, 1 }, new long[] { 2, 3 }, new long[] { 4, 5 } }));
        Assert.That(source.BatchAt(1).Features.reshape(-1).data<float>().ToArray(), Is.EqualTo(new float[] { 2, 3 }), "the rows the indices name");
    }

    // A seeded permutation of two rows keeps their order for some seeds and swaps it for others (a shuffle that always
    // moves every row, as Sattolo's algorithm does, is not a uniform permutation).
    [Test]
    public void AShuffledStreamSometimesKeepsARowInPlace()
    {
        using var pool = new TensorDataset(torch.zeros(2, 2), torch.zeros(2, 1), "two");
        var firsts = Enumerable.Range(0, 32).Select(seed => new DatasetStreamBatchSource(pool, 1, seed).IndicesAt(0)[0]).ToList();
        Assert.That(firsts, Does.Contain(0L));
        Assert.That(firsts, Does.Contain(1L));
    }

    [Test]
    public void AMilestoneAtStepMinusOneIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new MilestoneSchedule(0.1, new[] { (-1, 0.2) }));
        Assert.That(new MilestoneSchedule(0.1, new[] { (0, 0.2) }).LearningRateAt(0), Is.EqualTo(0.2));
    }

    // Rows of 4096 values are checked 4096 rows at a time: a NaN in the second chunk is named by its row in the dataset.
    [Test]
    public void ANonFiniteValuePastTheFirstChunkIsNamedByItsRow()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(4100, 4096);
        x[4097, 5] = torch.tensor(float.NaN);
        using var data = new TensorDataset(x, torch.zeros(4100, 1), "wide");
        using var net = Nets.Linear(4096, bias: false);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.1, MaxSteps = 1 }));
        Assert.That(ex!.Message, Does.Contain("NaN in the features at row 4097 (counted from 0), slot 5"));
    }

    [Test]
    public void ATrainersOptimizerSettingsCannotBeReplaced()
    {
        using var net = Nets.Linear(3);
        var options = new TrainingOptions { LearningRate = 0.1, MaxSteps = 1, Optimizer = OptimizerKind.Momentum };
        using var trainer = new Trainer(net, options);
        Assert.Throws<ArgumentException>(() => trainer.Options = options with { OptimizerSettings = new OptimizerOptions { Momentum = 0.5 } });
        Assert.DoesNotThrow(() => trainer.Options = options with { MaxSteps = 5 });
    }

    // Found by mutation testing (round 31C): replacement options are validated when they are set, naming the bad option,
    // and the trainer keeps the ones it had.
    [Test]
    public void InvalidReplacementOptionsAreRefusedWhenSet()
    {
        using var net = Nets.Linear(3);
        var options = new TrainingOptions { LearningRate = 0.1, MaxSteps = 1 };
        using var trainer = new Trainer(net, options);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Options = options with { MaxSteps = -1 });
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.MaxSteps)));
        Assert.That(trainer.Options, Is.SameAs(options));
    }

    // Before any step, an adjustable schedule's realised schedule is its current rate, fixed: later changes to the live
    // schedule are not rates this run used.
    [Test]
    public void TheRealisedScheduleBeforeAnyStepIsASnapshotOfTheAdjustableRate()
    {
        using var net = Nets.Linear(3);
        var live = new AdjustableSchedule(0.1);
        using var trainer = new Trainer(net, new TrainingOptions { Schedule = live, MaxSteps = 1 });
        var realised = trainer.RealisedSchedule;
        Assert.That(realised, Is.TypeOf<MilestoneSchedule>());
        live.LearningRate = 0.3;
        Assert.That(realised.LearningRateAt(0), Is.EqualTo(0.1));
    }

    [Test]
    public void SharpnessAwareMinimisationKeepsOneMoreCopyOfTheWeights()
    {
        var plain = new TrainingOptions { LearningRate = 0.1 };
        var sam = plain with { OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.05 } };
        Assert.That(Optimizers.StateCopies(plain), Is.EqualTo(0));
        Assert.That(Optimizers.StateCopies(sam), Is.EqualTo(1), "the perturbation ε");
        Assert.That(Optimizers.StateCopies(sam with { Optimizer = OptimizerKind.Adam }), Is.EqualTo(3));
    }

    // A parameter that the loss stops reaching keeps a zero gradient, as zero_grad leaves it: momentum still moves it,
    // w_{t+1} = w_t + μ (w_t − w_{t−1}).
    [Test]
    public void MomentumStillMovesAParameterTheLossNoLongerReaches()
    {
        using var scope = torch.NewDisposeScope();
        var (train, test) = SyntheticTask.Rank2(4).CreateSplits(20, 1, seed: 2);
        using var t1 = train;
        using var t2 = test;
        using var net = new TwoPaths(Nets.Linear(4, bias: false, seed: 1), Nets.Linear(4, bias: false, seed: 2));
        var snapshots = new List<float[]>();
        var watcher = new AfterStep(step =>
        {
            snapshots.Add(net.Second.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray());
            if (step == 1) net.UseSecond = false;
        });
        const double mu = 0.9;
        Trainer.Train(net, train, new TrainingOptions
        {
            LearningRate = 0.05, MaxSteps = 4, Optimizer = OptimizerKind.Momentum, OptimizerSettings = new OptimizerOptions { Momentum = mu },
        }, new[] { watcher });
        for (int t = 2; t < 4; t++)
        {
            var expected = snapshots[t - 1].Zip(snapshots[t - 2], (now, before) => now + mu * (now - before)).ToArray();
            Assert.That(snapshots[t], Is.EqualTo(expected).Within(1e-6), $"after step {t}");
            Assert.That(snapshots[t], Is.Not.EqualTo(snapshots[t - 1]), $"step {t} moved the unreached weights");
        }
    }

    // Found by mutation testing (round 31C): a parameter that the loss never reached has no gradient, as in the zero_grad
    // loop, so weight decay leaves it where it was (only one that had a gradient keeps a zero one).
    [Test]
    public void WeightDecayLeavesAParameterTheLossNeverReached()
    {
        using var scope = torch.NewDisposeScope();
        var (train, test) = SyntheticTask.Rank2(4).CreateSplits(20, 1, seed: 2);
        using var t1 = train;
        using var t2 = test;
        using var net = new TwoPaths(Nets.Linear(4, bias: false, seed: 1), Nets.Linear(4, bias: false, seed: 2)) { UseSecond = false };
        var first = net.First.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray();
        var second = net.Second.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray();
        Trainer.Train(net, train, new TrainingOptions
        {
            LearningRate = 0.05, MaxSteps = 3, OptimizerSettings = new OptimizerOptions { WeightDecay = 0.1 },
        });
        Assert.That(net.Second.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray(), Is.EqualTo(second));
        Assert.That(net.First.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray(), Is.Not.EqualTo(first), "the reached path trained");
    }

    // A source of one's own that counts no steps in an epoch is refused before the first step, by the trainer and the
    // ensemble trainer alike (the trainer divided by it), and one with no epochs needs a step budget.
    [Test]
    public void ACustomSourceWithoutStepsInAnEpochIsRefusedBeforeTraining()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(3);
        using var data = new TensorDataset(torch.randn(4, 3), torch.zeros(4, 1), "four");
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxEpochs = 1 });
        var ex = Assert.Throws<ArgumentException>(() => trainer.Run(new CountedEpochs(new EpochBatchSource(data, 2, 1), 0)))!;
        Assert.That(ex.Message, Does.StartWith("The batch source has 0 steps per epoch; an epoch has at least one step"));
        Assert.That(ex.ParamName, Is.EqualTo("source"));
        Assert.That(trainer.Step, Is.Zero);
        var online = Assert.Throws<ArgumentException>(() => trainer.Run(new CountedEpochs(new EpochBatchSource(data, 2, 1), null)))!;
        Assert.That(online.Message, Does.StartWith("MaxEpochs cannot end this run: the batch source has no epochs (online training); set MaxSteps."));
        Assert.DoesNotThrow(() => trainer.Run(new CountedEpochs(new EpochBatchSource(data, 2, 1), 2)));
        Assert.That(trainer.Step, Is.EqualTo(2));
    }

    private sealed class CountedEpochs(EpochBatchSource inner, int? stepsPerEpoch) : IBatchSource
    {
        public TensorDataset? Dataset => inner.Dataset;
        public int? StepsPerEpoch => stepsPerEpoch;
        public int BatchSize => inner.BatchSize;
        public Batch BatchAt(int step) => inner.BatchAt(step);
    }

    private sealed class TwoPaths : NetworkModule
    {
        public TwoPaths(FullyConnectedNetwork first, FullyConnectedNetwork second) : base("two-paths")
        {
            First = first;
            Second = second;
            RegisterComponents();
        }

        public FullyConnectedNetwork First { get; }
        public FullyConnectedNetwork Second { get; }
        public bool UseSecond { get; set; } = true;

        public override long[] InputShape => First.InputShape;
        public override int OutputCount => First.OutputCount;
        public override string Describe() => "two paths";
        public override Tensor forward(Tensor x) => UseSecond ? First.forward(x) + Second.forward(x) : First.forward(x);
    }

    private sealed class AfterStep(Action<int> action) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => action(record.Step);
    }
}
