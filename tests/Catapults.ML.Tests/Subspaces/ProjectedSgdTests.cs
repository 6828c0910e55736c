using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Subspaces;
using Catapults.ML.Tests.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Subspaces;

public sealed class ProjectedSgdTests
{
    [Test]
    public void DominantAndBulkProjectionsSumToTheUpdate()
    {
        using var scope = torch.NewDisposeScope();
        var (q, _) = torch.linalg.qr(LeastSquares.Randn(1, 30, 4).to(ScalarType.Float64));
        var delta = LeastSquares.Randn(2, 30);
        var dom = SubspaceProjection.Dominant(delta, q);
        var bulk = SubspaceProjection.Bulk(delta, q);
        TensorAssert.AllClose(dom + bulk, delta, 1e-6, 1e-7, "dom + bulk");
        Assert.That(Math.Abs(torch.dot(dom.to(ScalarType.Float64), bulk.to(ScalarType.Float64)).ToDouble()), Is.LessThan(1e-5));
        TensorAssert.AllClose(torch.mv(q.t(), bulk.to(ScalarType.Float64)), torch.zeros(4, ScalarType.Float64), 0, 1e-6, "Uᵀ bulk");
        double chi = SubspaceProjection.Alignment(delta, q);
        Assert.That(chi, Is.EqualTo(dom.norm().ToDouble() / delta.norm().ToDouble()).Within(1e-6));
        Assert.That(SubspaceProjection.Alignment(torch.mv(q, torch.ones(4, ScalarType.Float64)).to(ScalarType.Float32), q), Is.EqualTo(1.0).Within(1e-6));
        Assert.Throws<ArgumentException>(() => SubspaceProjection.Dominant(LeastSquares.Randn(3, 29), q));
    }

    private static Tensor Weights(FullyConnectedNetwork net) =>
        net.Layers[0].Weight.detach().reshape(-1).to(ScalarType.Float64).clone();

    [TestCase(ProjectedUpdateMode.Bulk, null)]
    [TestCase(ProjectedUpdateMode.Dominant, null)]
    [TestCase(ProjectedUpdateMode.Bulk, 0.1)]
    [TestCase(ProjectedUpdateMode.Dominant, 0.1)]
    public void ProjectedSgdOnAQuadraticMovesOnlyItsSubspace(ProjectedUpdateMode mode, double? samRadius)
    {
        // With a SAM radius the arms are Dom-SAM and Bulk-SAM: the ascent changes the gradient, not the projection.
        using var scope = torch.NewDisposeScope();
        const int d = 6, k = 2;
        var (net, data, h) = LeastSquares.Problem(d, 40, 5);
        using var _ = net;
        using var __ = data;
        var (_, vectors) = SpectraTestSupport.EighDescending(h);
        var top = vectors.narrow(1, 0, k);
        var rest = vectors.narrow(1, k, d - k);
        var w0 = Weights(net);
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = mode, Rank = k, RefreshEvery = 3, Lanczos = new LanczosOptions { Tolerance = 1e-8 },
        });
        var result = Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = 0.02, MaxSteps = 20, UpdateTransform = transform, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = samRadius },
        });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        var moved = Weights(net) - w0;
        var frozen = mode == ProjectedUpdateMode.Bulk ? top : rest;
        var free = mode == ProjectedUpdateMode.Bulk ? rest : top;
        Assert.That(torch.mv(frozen.t(), moved).abs().max().ToDouble(), Is.LessThan(1e-5), "coordinates outside the trained subspace must not move");
        Assert.That(torch.mv(free.t(), moved).norm().ToDouble(), Is.GreaterThan(1e-2), "the trained subspace must move");
        Assert.That(transform.Refreshes, Is.EqualTo(7), "refresh every 3 steps over 20 steps");
        Assert.That(transform.SwitchStep, Is.EqualTo(0));
    }

    [Test]
    public void SwitchesAtTheGivenStepOrWhenAlignmentStaysHigh()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(5, 30, 7);
        using var n1 = net;
        using var d1 = data;
        var w0 = Weights(net);
        using (var atStep = new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = ProjectedUpdateMode.Bulk, Rank = 1, SwitchAtStep = 4 }))
        {
            using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.01, MaxSteps = 6, UpdateTransform = atStep });
            trainer.Run(data);
            Assert.That(atStep.Switched, Is.True);
            Assert.That(atStep.SwitchStep, Is.EqualTo(4));
            Assert.That(atStep.Refreshes, Is.EqualTo(2));
        }
        // On a quadratic the GD gradient turns towards the top eigenvector only slowly, so any threshold ≤ the first
        // check's χ switches after exactly `patience` checks, and a threshold of 1 never switches.
        using var rule = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Full, Rank = 2, AlignmentThreshold = 0.05, AlignmentPatience = 2, AlignmentCheckEvery = 2,
        });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 6, UpdateTransform = rule });
        Assert.That(rule.Checks.Select(c => c.Step), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(rule.Checks.All(c => c.Alignment is > 0.05 and <= 1.0), Is.True);
        Assert.That(rule.SwitchStep, Is.EqualTo(2));
        using var never = new DominantSubspaceTransform(new DominantSubspaceOptions { Rank = 1, AlignmentThreshold = 1.0, AlignmentCheckEvery = 2 });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 6, UpdateTransform = never });
        Assert.That(never.Switched, Is.False);
        Assert.That(never.Checks, Has.Count.EqualTo(3));
        Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { RefreshEvery = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { AlignmentThreshold = 1.5 }.Validate());
    }

    [Test]
    public void SharpnessProbeTracksTheQuadraticsLargestEigenvalue()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, h) = LeastSquares.Problem(5, 30, 9);
        using var n1 = net;
        using var d1 = data;
        var (values, _) = SpectraTestSupport.EighDescending(h);
        using var sharpness = new SharpnessProbe(new SharpnessProbeOptions { Every = 3, Lanczos = new LanczosOptions { Tolerance = 1e-8 } });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.05, MaxSteps = 7 }, new ITrainingObserver[] { sharpness });
        Assert.That(sharpness.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 6, 7 }));
        foreach (var r in sharpness.Records)
        {
            Assert.That(r.Sharpness, Is.EqualTo(values[0]).Within(1e-4 * values[0]));
            Assert.That(r.StabilityThreshold, Is.EqualTo(2 / 0.05).Within(1e-9));
        }
        var frame = sharpness.ToDataFrame();
        Assert.That(frame.Rows.Count, Is.EqualTo(4));
        Assert.That(frame.Columns.Select(c => c.Name), Does.Contain("StabilityThreshold"));
    }
}
