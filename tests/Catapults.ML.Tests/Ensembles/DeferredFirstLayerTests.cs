using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A wide first layer's plain-SGD updates wait in <see cref="DeferredFirstLayerUpdate"/> for a block of steps, and the
/// block's first-layer product is taken once (<see cref="FullyConnectedEnsemble.BeginBlock"/>): every observable result
/// must be the single runs' all the same, through member exits, budgets and partial batches inside a block.
/// </summary>
public class DeferredFirstLayerTests
{
    private static TensorDataset Data(int n, int d)
    {
        var (train, test) = SyntheticTask.Rank2(d).CreateSplits(n, 1, seed: 3);
        test.Dispose();
        return train;
    }

    // 3000 × 6 = 18,000 first-layer weights per member: above the in-place threshold, so its updates are deferred.
    private static NetworkDescription Wide(string arch = "fcn-2", int width = 3000, bool bias = true) =>
        new() { Architecture = arch, Width = width, UseBias = bias };

    private static TrainingOptions Sgd(double rate, long shuffle, int steps, PartialBatchPolicy partial = PartialBatchPolicy.Drop) =>
        new() { LearningRate = rate, BatchSize = 5, ShuffleSeed = shuffle, MaxSteps = steps, LastPartialBatch = partial };

    private static void AssertReproducesSingleRuns(IReadOnlyList<EnsembleMember> members, TensorDataset data, long[] shape, IEnsembleObserver? observer = null)
    {
        using var ensemble = new FullyConnectedEnsemble(members, shape, 1);
        var results = new EnsembleTrainer(ensemble).Run(data, observer);
        SingleRunAgreement.AssertMembersMatch(ensemble, results, data);
    }

    [Test]
    public void MembersLeavingInsideABlockKeepTheirSingleRuns()
    {
        // Budgets of 13 and 30 steps end blocks early; the member at rate 500 diverges within the first blocks, and its
        // exit rewrites the others' weights mid-block; 42 samples in batches of 5 leave a partial batch of 2 at each
        // epoch's end (step 8, 17, 26), which a block must not straddle. Tanh: with ReLU, a pre-activation that float
        // rounding puts on the other side of 0 changes one unit's update (seen here, deferred or not, 7e-4 in 4 weights).
        using var data = Data(42, 6);
        var net = Wide() with { Activation = ActivationKind.Tanh };
        var members = new[]
        {
            new EnsembleMember(net, Sgd(0.1, 0, 30, PartialBatchPolicy.Keep), Seed: 1),
            new EnsembleMember(net, Sgd(500, 1, 30, PartialBatchPolicy.Keep), Seed: 2),
            new EnsembleMember(net, Sgd(0.3, 1, 13, PartialBatchPolicy.Keep), Seed: 3),
            new EnsembleMember(net, Sgd(0.2, 2, 30, PartialBatchPolicy.Keep), Seed: 4),
        };
        AssertReproducesSingleRuns(members, data, new long[] { 6 });
    }

    [Test]
    public void WithoutBiasesCentredAndDeeperTheSingleRunsHoldToo()
    {
        using var data = Data(40, 100);
        long[] shape = { 100 };
        // fcn-3, width 200: a 200 × 100 first layer (deferred) under a 200 × 200 hidden layer (updated in place).
        var deep = Wide("fcn-3", 200, bias: false);
        AssertReproducesSingleRuns(new[]
        {
            new EnsembleMember(deep, Sgd(0.2, 0, 25), Seed: 1),
            new EnsembleMember(deep, Sgd(0.4, 3, 25), Seed: 2),
        }, data, shape);
        var centred = Wide("fcn-2", 200) with { Parameterization = Parameterization.MeanField };
        AssertReproducesSingleRuns(new[]
        {
            new EnsembleMember(centred, Sgd(2.0, 0, 20), Seed: 1, Gamma: 0.5),
            new EnsembleMember(centred, Sgd(8.0, 4, 20), Seed: 2, Gamma: 4.0),
        }, data, shape);
    }

    [Test]
    public void ReadingTheWeightsMidBlockWritesTheHeldUpdatesFirst()
    {
        using var data = Data(40, 6);
        var net = Wide();
        var members = new[] { new EnsembleMember(net, Sgd(0.1, 0, 20), 1), new EnsembleMember(net, Sgd(0.3, 4, 20), 2) };
        var observer = new CriticalRateObserver(data.Features.narrow(0, 0, 5), 3, 11);
        AssertReproducesSingleRuns(members, data, new long[] { 6 }, observer);
        Assert.That(observer.Checked, Is.EqualTo(4), "steps 3 and 11 (inside blocks of 8), two members each");
    }

    [Test]
    public void DeferredAndImmediateUpdatesAgree()
    {
        using var data = Data(40, 6);
        var net = Wide();
        var members = new[] { new EnsembleMember(net, Sgd(0.1, 0, 24), 1), new EnsembleMember(net, Sgd(0.25, 2, 24), 2) };
        double[][] Losses(int capacity)
        {
            using var ensemble = new FullyConnectedEnsemble(members, new long[] { 6 }, 1) { DeferredUpdateCapacity = capacity };
            return new EnsembleTrainer(ensemble).Run(data).Select(r => r.BatchLosses.ToArray()).ToArray();
        }
        var immediate = Losses(0);
        foreach (int capacity in new[] { 10, 15, 40 })
        {
            var deferred = Losses(capacity);
            for (int m = 0; m < members.Length; m++)
                for (int s = 0; s < immediate[m].Length; s++)
                    Assert.That(deferred[m][s], Is.EqualTo(immediate[m][s]).Within(1e-5 * immediate[m][s]), $"capacity {capacity}, member {m}, step {s}");
        }
    }

    // Found by mutation testing (round 28A): a new capacity replaces the store, so the updates it holds are written first.
    [Test]
    public void SettingTheCapacityWithUpdatesHeldWritesThemFirst()
    {
        using var scope = NewDisposeScope();
        var training = Sgd(0.1, 0, 1);
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(Wide(), training, 1), new EnsembleMember(Wide(), training, 2) }, new long[] { 6 }, 1);
        var x = randn(new long[] { 5, 6 }, generator: new Generator(3));
        var g = randn(new long[] { 2, 5, 1 }, generator: new Generator(4)) * 0.1;
        var pass = ensemble.ForwardForTraining(x);
        var gradients = ensemble.Gradients(pass, g);
        var before = ensemble.Parameters[0].detach().clone();

        ensemble.SubtractGradients(pass, g);
        ensemble.DeferredUpdateCapacity = 0;

        TensorAssert.AllClose(ensemble.Parameters[0], before - gradients[0], 1e-5, 1e-6, "the first layer after one step");
    }

    [Test]
    public void TheCorrectionIsTheForwardPassAtTheUpdatedWeights()
    {
        // Closed form: with W' = W − s·ΔᵀX, s·x·W'ᵀ = s·x·Wᵀ − s²·(x·Xᵀ)·Δ; compared with the product at W' taken directly.
        manual_seed(11);
        const float s = 0.1f;
        using var w = randn(3, 50, 7, dtype: ScalarType.Float64).to_type(ScalarType.Float32);
        using var x1 = randn(3, 4, 7);
        using var d1 = randn(3, 4, 50);
        using var x2 = randn(3, 2, 7);
        using var d2 = randn(3, 2, 50);
        using var probe = randn(3, 5, 7);
        using var store = new DeferredFirstLayerUpdate(8);
        store.Append(x1, d1);
        store.Append(x2, d2);
        Assert.That(store.Fits(2), Is.True);
        Assert.That(store.Fits(3), Is.False);
        using var product = probe.bmm(w.transpose(1, 2)).mul(s);
        using var corrected = store.Correct(probe, product, s);
        using var updated = w - s * (d1.transpose(1, 2).bmm(x1) + d2.transpose(1, 2).bmm(x2));
        using var direct = probe.bmm(updated.transpose(1, 2)).mul(s);
        TensorAssert.AllClose(corrected, direct, 1e-5, 1e-5, "corrected pre-activations");

        var rows = w.unbind(0);
        store.ApplyTo(rows, s);
        Assert.That(store.Rows, Is.Zero);
        TensorAssert.AllClose(w, updated, 1e-5, 1e-5, "weights after the held updates are written");
        foreach (var r in rows) r.Dispose();
    }

    // The store's buffers may only go while nothing is held: releasing them would lose steps' updates (mutation round 21C).
    [Test]
    public void ReleasingTheBuffersWithUpdatesHeldIsRefused()
    {
        using var store = new DeferredFirstLayerUpdate(10);
        using var x = ones(2, 5, 3);
        using var delta = ones(2, 5, 4);
        store.Append(x, delta);
        var ex = Assert.Throws<InvalidOperationException>(() => store.Release());
        Assert.That(ex!.Message, Does.Contain("Apply the deferred update"));
        Assert.That(store.Rows, Is.EqualTo(5), "the held rows are still there to be written");
    }

    // Disposing forgets what is held, so an ensemble disposed between a deferred step and its next read of the weights
    // disposes quietly (mutation round 21C).
    [Test]
    public void AnEnsembleDisposedWithFirstLayerUpdatesHeldDisposesQuietly()
    {
        var net = Wide(width: 3000);
        var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, Sgd(0.1, 0, 5), 1), new EnsembleMember(net, Sgd(0.1, 1, 5), 2) }, new long[] { 6 }, 1);
        using (var scope = NewDisposeScope())
        {
            var pass = ensemble.ForwardForTraining(randn(5, 6));
            ensemble.SubtractGradients(pass, full(new long[] { 2, 5, 1 }, 0.01f));
        }
        Assert.DoesNotThrow(() => ensemble.Dispose());
        using var store = new DeferredFirstLayerUpdate(10);
        using var x = ones(1, 5, 3);
        using var delta = ones(1, 5, 4);
        store.Append(x, delta);
        Assert.DoesNotThrow(() => store.Dispose());
        Assert.That(store.Rows, Is.Zero);
    }

    // Mutation round 21C: a batch beyond the capacity is refused by name before any row is copied.
    [Test]
    public void AppendingBeyondTheCapacityIsRefused()
    {
        using var store = new DeferredFirstLayerUpdate(8);
        using var x = ones(1, 5, 3);
        using var delta = ones(1, 5, 4);
        store.Append(x, delta);
        var ex = Assert.Throws<InvalidOperationException>(() => store.Append(x, delta));
        Assert.That(ex!.Message, Is.EqualTo("The deferred update holds 5 of 8 rows; apply it before adding 5."));
        Assert.That(store.Rows, Is.EqualTo(5));
    }

    // Mutation round 21C: a member extracted while first-layer updates are held has them written, so it computes what
    // the ensemble computes for it.
    [Test]
    public void AMemberExtractedWithUpdatesHeldHasThemWritten()
    {
        var net = Wide(width: 3000);
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, Sgd(0.1, 0, 5), 1), new EnsembleMember(net, Sgd(0.1, 1, 5), 2) }, new long[] { 6 }, 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 5, 6 }, generator: new TorchSharp.torch.Generator(4));
        var pass = ensemble.ForwardForTraining(x);
        ensemble.SubtractGradients(pass, full(new long[] { 2, 5, 1 }, 0.5f));
        using var extracted = ensemble.ExtractMember(1);
        var own = extracted.forward(x);
        TensorAssert.AllClose(own, ensemble.Forward(x)[1], 1e-5, 1e-6, "member 1 after a deferred step");
    }

    [Test]
    public void ANegativeCapacityIsRefused()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new DeferredFirstLayerUpdate(-1))!.ParamName, Is.EqualTo("capacity"));
        Assert.DoesNotThrow(() => new DeferredFirstLayerUpdate(0).Dispose(), "0: every update written at once");
    }

    // A refused capacity leaves the ensemble's store as it was (the new store is made before the old one is let go).
    [Test]
    public void AnEnsembleRefusingANegativeCapacityKeepsItsStore()
    {
        using var scope = NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 2, MaxSteps = 1 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1) }, new long[] { 6 }, 1) { DeferredUpdateCapacity = 10 };
        Assert.Throws<ArgumentOutOfRangeException>(() => ensemble.DeferredUpdateCapacity = -1);
        Assert.That(ensemble.DeferredUpdateCapacity, Is.EqualTo(10));
        Assert.DoesNotThrow(() => ensemble.DeferredUpdateCapacity = 5, "the store it kept is still usable");
    }

    [Test]
    public void BatchesAtGivesTheStepsBatchesInOrder()
    {
        using var data = Data(42, 6);
        var source = new EpochBatchSource(data, 5, shuffleSeed: 7, PartialBatchPolicy.Keep);
        using var scope = NewDisposeScope();
        // Steps 6..9 cross the end of epoch 0 (step 8 is its partial batch of 2) into epoch 1.
        var block = source.BatchesAt(6, 4);
        var steps = Enumerable.Range(6, 4).Select(source.BatchAt).ToArray();
        Assert.That(block.Indices, Is.EqualTo(steps.SelectMany(b => b.Indices).ToArray()));
        Assert.That(block.Size, Is.EqualTo(5 + 5 + 2 + 5));
        TensorAssert.AllClose(block.Features, cat(steps.Select(b => b.Features).ToArray(), 0), 0, 0, "features");
        TensorAssert.AllClose(block.Targets, cat(steps.Select(b => b.Targets).ToArray(), 0), 0, 0, "targets");
        // The interface's default (a source that only has BatchAt) gives the same batch.
        var stepwise = IBatchSource.StepByStep(source, 6, 4);
        Assert.That(stepwise.Indices, Is.EqualTo(block.Indices));
        TensorAssert.AllClose(stepwise.Features, block.Features, 0, 0, "step-by-step features");
    }

    [Test]
    public void BadBlockRequestsAndShortBlocksAreNamed()
    {
        using var data = Data(40, 6);
        var source = new EpochBatchSource(data, 5, shuffleSeed: 0);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => source.BatchesAt(0, 0))!.ParamName, Is.EqualTo("count"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => source.BatchesAt(-1, 3))!.Message, Does.Contain("Steps start at 0"));

        // A source whose blocks come back a sample short cannot be split into its steps: the trainer names the steps.
        var net = Wide();
        var members = new[] { new EnsembleMember(net, Sgd(0.1, 0, 20), 1), new EnsembleMember(net, Sgd(0.2, 1, 20), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 6 }, 1);
        var shortBlocks = new ShortBlocks(new EpochBatchSource(data, 5, 0));
        var ex = Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(ensemble).Run(new IBatchSource[] { shortBlocks, shortBlocks }));
        Assert.That(ex!.Message, Does.Contain("Steps 0..7: the sources gave 34 samples for 8 steps of 5"));

        // A whole batch short leaves the block's last step empty: named too, not trained on as an empty batch (mutation round 21C).
        using var again = new FullyConnectedEnsemble(members, new long[] { 6 }, 1);
        var batchShort = new ShortBlocks(new EpochBatchSource(data, 5, 0), missing: 5);
        ex = Assert.Throws<InvalidOperationException>(() => new EnsembleTrainer(again).Run(new IBatchSource[] { batchShort, batchShort }));
        Assert.That(ex!.Message, Does.Contain("Steps 0..7: the sources gave 35 samples for 8 steps of 5"));
    }

    private sealed class ShortBlocks(IBatchSource inner, int missing = 6) : IBatchSource
    {
        public TensorDataset? Dataset => inner.Dataset;
        public int? StepsPerEpoch => inner.StepsPerEpoch;
        public int BatchSize => inner.BatchSize;
        public Batch BatchAt(int step) => inner.BatchAt(step);

        public Batch BatchesAt(int step, int count)
        {
            var all = inner.BatchesAt(step, count);
            long n = all.Size - missing;
            return new Batch(all.Features.narrow(0, 0, n), all.Targets.narrow(0, 0, n), all.Indices[..(int)n], all.Epoch);
        }
    }

    [Test]
    public void BlockedTrainingLeaksNoTensors()
    {
        using var data = Data(42, 6);
        var net = Wide(width: 3000);
        var members = new[]
        {
            new EnsembleMember(net, Sgd(0.1, 0, 20, PartialBatchPolicy.Keep), 1),
            new EnsembleMember(net, Sgd(500, 1, 20, PartialBatchPolicy.Keep), 2),
            new EnsembleMember(net, Sgd(0.2, 3, 11, PartialBatchPolicy.Keep), 3),
        };
        void Run()
        {
            using var ensemble = new FullyConnectedEnsemble(members, new long[] { 6 }, 1);
            var results = new EnsembleTrainer(ensemble).Run(data);
            Assert.That(results[1].Result.Diverged, Is.True);
            using var m = ensemble.ExtractMember(0);
        }
        TensorAssert.NoLeak(Run, () => { for (int i = 0; i < 3; i++) Run(); }, "blocked ensemble training");
    }
}
