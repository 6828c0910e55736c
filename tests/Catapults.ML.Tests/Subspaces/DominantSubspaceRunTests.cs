using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Subspaces;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Subspaces;

public sealed class DominantSubspaceRunTests
{
    private const int Classes = 4, Dimension = 8, Samples = 64, WarmUp = 30, After = 40;
    private const double Rate = 0.5;

    // Four Gaussian clusters with one-hot MSE targets: O = 4 outputs, so the top-4 Hessian eigenspace is the one
    // the gradient aligns with.
    private static TensorDataset Clusters()
    {
        using var g = Seeding.TorchGenerator(21, Seeding.Stream.Data);
        using var scope = torch.NewDisposeScope();
        var centres = torch.randn(new long[] { Classes, Dimension }, generator: g) * 1.5;
        var labels = torch.arange(Samples, dtype: ScalarType.Int64) % Classes;
        var x = centres.index_select(0, labels) + torch.randn(new long[] { Samples, Dimension }, generator: g);
        var y = nn.functional.one_hot(labels, Classes).to(ScalarType.Float32);
        return new TensorDataset(x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    private static FullyConnectedNetwork Mlp() => new(new FullyConnectedOptions
    {
        InputDimension = Dimension, HiddenWidths = new[] { 32 }, OutputCount = Classes, Activation = ActivationKind.Tanh, Seed = 22,
    });

    private static (double AtSwitch, double Final, DominantSubspaceTransform? Transform) Run(TensorDataset data, ProjectedUpdateMode? mode)
    {
        using var net = Mlp();
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = Rate, MaxSteps = WarmUp });
        trainer.Run(data);
        double atSwitch = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        DominantSubspaceTransform? transform = mode is { } m
            ? new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = m, Rank = Classes, RefreshEvery = 10 })
            : null;
        using var after = new Trainer(net, new TrainingOptions { LearningRate = Rate, MaxSteps = After, UpdateTransform = transform });
        var result = after.Run(data);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        return (atSwitch, result.FinalTrainingLoss!.Value, transform);
    }

    [Test]
    public void DomSgdStallsWhileBulkSgdKeepsPaceWithSgd()
    {
        using var data = Clusters();
        var sgd = Run(data, null);
        var dom = Run(data, ProjectedUpdateMode.Dominant);
        var bulk = Run(data, ProjectedUpdateMode.Bulk);
        Assert.That(dom.Transform!.Refreshes, Is.EqualTo(After / 10), "one eigenspace per 10 steps");
        Assert.That(bulk.Transform!.Eigenspace!.Eigenvalues, Has.Length.EqualTo(Classes));
        TestContext.Out.WriteLine($"loss at switch {sgd.AtSwitch:G6}; after {After} steps: SGD {sgd.Final:G6}, Dom {dom.Final:G6}, Bulk {bulk.Final:G6}");
        dom.Transform!.Dispose();
        bulk.Transform!.Dispose();
        Assert.That(sgd.AtSwitch, Is.EqualTo(dom.AtSwitch).Within(1e-9), "the arms share the warm-up");
        Assert.That(sgd.Final, Is.LessThan(0.7 * sgd.AtSwitch), "SGD keeps training");
        // Stated tolerances: Dom-SGD removes less than 10% of the loss left at the switch; Bulk-SGD ends within 25% of SGD.
        Assert.That(dom.Final, Is.GreaterThan(0.9 * dom.AtSwitch), "Dom-SGD stalls");
        Assert.That(bulk.Final, Is.LessThan(1.25 * sgd.Final), "Bulk-SGD keeps pace with SGD");
    }

    [Test]
    public void ProjectedTrainingAndObserversDoNotLeak()
    {
        using var data = Clusters();
        using var net = Mlp();
        void Run()
        {
            using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = ProjectedUpdateMode.Bulk, Rank = 2, SwitchAtStep = 1, RefreshEvery = 2 });
            using var alignment = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 2, Rank = 2 });
            using var sharpness = new SharpnessProbe(new SharpnessProbeOptions { Every = 2 });
            using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 4, UpdateTransform = transform });
            trainer.Run(data, new ITrainingObserver[] { alignment, sharpness });
            Assert.That(alignment.Records, Has.Count.EqualTo(3));
            Assert.That(alignment.Records.All(r => r.Alignment is >= 0 and <= 1 && r.Eigenvalues.Count == 2), Is.True);
            Assert.That(alignment.ToDataFrame().Columns.Select(c => c.Name), Does.Contain("Lambda2"));
        }
        TensorAssert.NoLeak(Run, Run, "Dom/Bulk-SGD with observers");
    }
}
