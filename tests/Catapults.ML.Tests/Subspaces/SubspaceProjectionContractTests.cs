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

namespace Catapults.ML.Tests.Subspaces;

/// <summary>SubspaceProjection's, HessianEigenspace's and DominantSubspaceTransform's documented contracts.</summary>
public sealed class SubspaceProjectionContractTests
{
    private static float[] Weights(FullyConnectedNetwork net) => net.Layers[0].Weight.detach().reshape(-1).data<float>().ToArray();

    [Test]
    public void TheDominantPartHasTheVectorsDtype()
    {
        using var scope = torch.NewDisposeScope();
        var (q, _) = torch.linalg.qr(LeastSquares.Randn(1, 12, 3).to(ScalarType.Float64));
        var delta = LeastSquares.Randn(2, 12);
        var dom = SubspaceProjection.Dominant(delta, q);
        Assert.That(dom.dtype, Is.EqualTo(ScalarType.Float32), "computed in float64, returned in the vector's dtype");
        Assert.That(SubspaceProjection.Bulk(delta, q).dtype, Is.EqualTo(ScalarType.Float32));
        // U Uᵀ Δ computed here in float64.
        var expected = torch.mv(q, torch.mv(q.t(), delta.to(ScalarType.Float64)));
        Assert.That(torch.allclose(dom.to(ScalarType.Float64), expected, 1e-5, 1e-6), Is.True);
    }

    // χ ∈ [0, 1] even where rounding would take ‖Uᵀg‖/‖g‖ past 1: g is 3 u rounded to float32, for a unit u whose
    // ratio computes as 1 + 2⁻⁵² in float64.
    [Test]
    public void TheAlignmentNeverExceedsOne()
    {
        using var scope = torch.NewDisposeScope();
        var u = torch.tensor(new[] { 0.13332198089593833, 0.2926465190868177, 0.9349529016557977, 0.1498210130848017 }, ScalarType.Float64);
        u = u / u.norm();
        var g = u.to(ScalarType.Float32) * 3;
        double chi = SubspaceProjection.Alignment(g, u.reshape(4, 1));
        Assert.That(chi, Is.LessThanOrEqualTo(1.0));
        Assert.That(chi, Is.EqualTo(1.0).Within(1e-12), "g lies in the span of u");
    }

    // The rank may be the whole parameter count: the eigenspace is then all of parameter space.
    [Test]
    public void AnEigenspaceMayHaveEveryDimension()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        var (net, data, h) = LeastSquares.Problem(d, 20, 3);
        using var n1 = net;
        using var d1 = data;
        var (values, _) = SpectraTestSupport.EighDescending(h);
        using var space = HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, d, null, null);
        Assert.That(space.Eigenvalues, Is.EqualTo(values).Within(1e-3 * values[0]));
        Assert.That(space.Basis.shape, Is.EqualTo(new long[] { d, d }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, d + 1, null, null));
    }

    // A warm start from the converged eigenspace at the same weights needs fewer Hessian-vector products than a cold solve.
    [Test]
    public void AWarmStartFromTheSameEigenspaceSavesProducts()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(40, 60, 4);
        using var n1 = net;
        using var d1 = data;
        var lanczos = new LanczosOptions { Tolerance = 1e-6, Mode = EigensolverMode.Iterative };
        using var cold = HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 2, null, lanczos);
        using var warm = HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 2, null, lanczos, cold.Basis);
        Assert.That(warm.Eigenvalues, Is.EqualTo(cold.Eigenvalues).Within(1e-4 * cold.Eigenvalues[0]));
        Assert.That(warm.Products, Is.LessThan(cold.Products), $"warm {warm.Products}, cold {cold.Products}");
    }

    // With one parameter the gradient always lies in the top-1 eigenspace: χ = 1 exactly, which meets a threshold of 1.
    [Test]
    public void AnAlignmentOfExactlyTheThresholdCounts()
    {
        using var scope = torch.NewDisposeScope();
        var x = LeastSquares.Randn(5, 10, 1);
        var y = LeastSquares.Randn(6, 10, 1);
        using var data = new TensorDataset(x, y, "one-parameter");
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 1, HiddenWidths = Array.Empty<int>(), OutputCount = 1, UseBias = false, Parameterization = Parameterization.Standard, Seed = 2,
        });
        using var rule = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Full, Rank = 1, AlignmentThreshold = 1.0, AlignmentPatience = 1, AlignmentCheckEvery = 1,
        });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 3, UpdateTransform = rule });
        Assert.That(rule.Checks[0].Alignment, Is.EqualTo(1.0));
        Assert.That(rule.SwitchStep, Is.EqualTo(0));
    }

    // Full mode is the control arm: Δ passes unchanged, so the run is plain SGD's, and no eigenspace is solved for.
    [Test]
    public void TheFullModeLeavesEveryUpdateUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(6, 30, 8);
        using var n1 = net;
        using var d1 = data;
        var (plainNet, _, _) = LeastSquares.Problem(6, 30, 8);
        using var n2 = plainNet;
        var options = new TrainingOptions { LearningRate = 0.02, MaxSteps = 5 };
        Trainer.Train(plainNet, data, options);
        using var full = new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = ProjectedUpdateMode.Full, Rank = 2 });
        Trainer.Train(net, data, options with { UpdateTransform = full });
        Assert.That(Weights(net), Is.EqualTo(Weights(plainNet)).Within(1e-6));
        Assert.That(full.Refreshes, Is.EqualTo(0));
        Assert.That(full.HessianProducts, Is.EqualTo(0));
    }

    [Test]
    public void HessianProductsAddUpOverRefreshes()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(6, 30, 8);
        using var n1 = net;
        using var d1 = data;
        var spent = new List<int>();
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions { Mode = ProjectedUpdateMode.Dominant, Rank = 2, RefreshEvery = 2 });
        var recorder = new AfterUpdate(() => spent.Add(transform.Eigenspace!.Products));
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.02, MaxSteps = 4, UpdateTransform = transform }, new[] { recorder });
        Assert.That(transform.Refreshes, Is.EqualTo(2), "steps 0 and 2");
        Assert.That(transform.HessianProducts, Is.GreaterThan(0));
        Assert.That(transform.HessianProducts, Is.EqualTo(spent[0] + spent[2]), "the solves of steps 0 and 2");
    }

    private sealed class AfterUpdate(Action action) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => action();
    }
}
