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

    // Found by mutation testing (round 18A): the transform solved on the whole training set whatever its Hessian options
    // said. On one sample x_j of least squares, H = 2 x_j x_jᵀ, so the top eigenvalue is 2‖x_j‖² for a row j, well below
    // the whole set's.
    [Test]
    public void TheTransformSolvesOnTheConfiguredHessianSubset()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, h) = LeastSquares.Problem(6, 30, 5);
        using var n1 = net;
        using var d1 = data;
        var (values, _) = SpectraTestSupport.EighDescending(h);
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Dominant, Rank = 1, RefreshEvery = 100,
            Hessian = new HessianOptions { SubsetSize = 1, SubsetSeed = 3 }, Lanczos = new LanczosOptions { Tolerance = 1e-8 },
        });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 1, UpdateTransform = transform });
        double lambda = transform.Eigenspace!.Eigenvalues[0];
        var rows = data.Features.to(ScalarType.Float64);
        var candidates = (rows * rows).sum(1).mul(2.0).data<double>().ToArray();
        double nearest = candidates.Min(c => Math.Abs(c - lambda) / c);
        Assert.That(nearest, Is.LessThan(1e-4), $"λ = {lambda} is 2‖x_j‖² of no row j: {string.Join(", ", candidates)}");
        Assert.That(Math.Abs(lambda - values[0]), Is.GreaterThan(1e-2 * values[0]), "not the whole set's top eigenvalue");
    }

    // Found by mutation testing (round 18A): the transform's solver options were replaced by the defaults. A dense solve
    // forms the Hessian with one product per parameter (P = 6 here), so each refresh costs exactly P products.
    [Test]
    public void TheTransformSolvesWithTheGivenLanczosOptions()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 6;
        var (net, data, h) = LeastSquares.Problem(d, 30, 5);
        using var n1 = net;
        using var d1 = data;
        var (values, _) = SpectraTestSupport.EighDescending(h);
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Dominant, Rank = 1, Lanczos = new LanczosOptions { Mode = EigensolverMode.Dense },
        });
        Assert.That(transform.Options.Lanczos.Mode, Is.EqualTo(EigensolverMode.Dense));
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 2, UpdateTransform = transform });
        Assert.That(transform.Refreshes, Is.EqualTo(2));
        Assert.That(transform.HessianProducts, Is.EqualTo(2 * d), "one product per parameter and refresh");
        Assert.That(transform.Eigenspace!.Eigenvalues[0], Is.EqualTo(values[0]).Within(1e-4 * values[0]));
    }

    // Found by mutation testing (round 18A): χ_k was computed (a gradient pass) and reported even when not asked for.
    // Asked for, it is |u₁ᵀg|/‖g‖ of the least-squares gradient g = (2/n) Xᵀ(Xw − y), taken here in float64.
    [Test]
    public void TheEigenspacesAlignmentIsReportedOnlyWhenAskedFor()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, h) = LeastSquares.Problem(5, 30, 12);
        using var n1 = net;
        using var d1 = data;
        var lanczos = new LanczosOptions { Tolerance = 1e-10 };
        using (var plain = HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 1, null, lanczos))
            Assert.That(plain.Alignment, Is.Null);
        using var asked = HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 1, null, lanczos, withAlignment: true);
        var (_, vectors) = SpectraTestSupport.EighDescending(h);
        var x = data.Features.to(ScalarType.Float64);
        var w = net.Layers[0].Weight.detach().reshape(-1).to(ScalarType.Float64);
        var g = torch.mv(x.t(), torch.mv(x, w) - data.Targets.reshape(-1).to(ScalarType.Float64)) * (2.0 / 30);
        double expected = Math.Abs(torch.dot(vectors[.., 0], g).ToDouble()) / g.norm().ToDouble();
        Assert.That(asked.Alignment, Is.EqualTo(expected).Within(1e-5));
    }

    // The options are copied: changing the caller's object afterwards changes nothing the transform does.
    [Test]
    public void ChangingTheOptionsAfterConstructionChangesNothing()
    {
        var options = new DominantSubspaceOptions { Mode = ProjectedUpdateMode.Bulk, Rank = 2, RefreshEvery = 3, Hessian = new HessianOptions { SubsetSize = 7 } };
        using var transform = new DominantSubspaceTransform(options);
        options.Mode = ProjectedUpdateMode.Dominant;
        options.Rank = 5;
        options.Hessian.SubsetSize = 9;
        options.Lanczos.Tolerance = 0.5;
        Assert.That(transform.Options.Mode, Is.EqualTo(ProjectedUpdateMode.Bulk));
        Assert.That(transform.Options.Rank, Is.EqualTo(2));
        Assert.That(transform.Options.RefreshEvery, Is.EqualTo(3));
        Assert.That(transform.Options.Hessian.SubsetSize, Is.EqualTo(7));
        Assert.That(transform.Options.Lanczos.Tolerance, Is.EqualTo(1e-4), "the default solver tolerance");
    }

    // Found by mutation testing (round 18A): a disposed transform solved a fresh eigenspace and went on projecting.
    [Test]
    public void ADisposedTransformRefusesToTransform()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(4, 20, 6);
        using var n1 = net;
        using var d1 = data;
        var transform = new DominantSubspaceTransform(new DominantSubspaceOptions { Rank = 1 });
        transform.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 1, UpdateTransform = transform }));
        Assert.That(transform.Refreshes, Is.EqualTo(0));
    }

    // Hands the transform one update fewer than there are parameters.
    private sealed class DropLastUpdate(IUpdateTransform inner) : IUpdateTransform
    {
        public void Transform(StepContext step, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<Tensor> updates) =>
            inner.Transform(step, parameters, updates.Take(updates.Count - 1).ToList());
    }

    // Found by mutation testing (round 18A): without the count check, a missing update surfaced as a basis of the wrong
    // size, naming neither the updates nor the parameters.
    [Test]
    public void UpdatesThatDoNotMatchTheParametersAreRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(LeastSquares.Randn(1, 12, 3), LeastSquares.Randn(2, 12, 1), "with-bias");
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 3, HiddenWidths = Array.Empty<int>(), OutputCount = 1, UseBias = true, Parameterization = Parameterization.Standard, Seed = 1,
        });
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions { Rank = 1 });
        var ex = Assert.Throws<ArgumentException>(() =>
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 1, UpdateTransform = new DropLastUpdate(transform) }));
        Assert.That(ex!.ParamName, Is.EqualTo("updates"));
        Assert.That(ex.Message, Does.StartWith("Got 1 updates for 2 parameters."));
    }

    // Records χ_k of the full-batch least-squares gradient g = (2/n) Xᵀ(Xw − y) at each step, computed here in float64
    // from the weights the step starts from, against the Hessian's top eigenvector.
    private sealed class GradientAlignment(IUpdateTransform inner, Tensor x, Tensor y, Tensor top) : IUpdateTransform
    {
        public List<double> Expected { get; } = new();

        public void Transform(StepContext step, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<Tensor> updates)
        {
            using (var scope = torch.NewDisposeScope())
            {
                var w = parameters[0].detach().reshape(-1).to(ScalarType.Float64);
                var r = torch.mv(x, w) - y;
                var g = torch.mv(x.t(), r) * (2.0 / x.shape[0]);
                Expected.Add(Math.Abs(torch.dot(top, g).ToDouble()) / g.norm().ToDouble());
            }
            inner.Transform(step, parameters, updates);
        }
    }

    // Found by mutation testing (round 18A): the rule read the update Δ instead of the gradient. Under plain SGD the two
    // are parallel, but with momentum Δ ∝ μ·buf + g turns away from g after the first step.
    [Test]
    public void TheAlignmentRuleReadsTheGradientNotTheMomentumUpdate()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, h) = LeastSquares.Problem(5, 30, 7);
        using var n1 = net;
        using var d1 = data;
        var (_, vectors) = SpectraTestSupport.EighDescending(h);
        var top = vectors[.., 0].contiguous();
        using var rule = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Full, Rank = 1, AlignmentThreshold = 1.0, AlignmentCheckEvery = 1, Lanczos = new LanczosOptions { Tolerance = 1e-10 },
        });
        var probe = new GradientAlignment(rule, data.Features.to(ScalarType.Float64), data.Targets.reshape(-1).to(ScalarType.Float64), top);
        Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = 0.02, MaxSteps = 6, Optimizer = OptimizerKind.Momentum, OptimizerSettings = new OptimizerOptions { Momentum = 0.9 }, UpdateTransform = probe,
        });
        Assert.That(rule.Checks.Select(c => c.Alignment), Is.EqualTo(probe.Expected).Within(1e-5),
            $"checked {string.Join(", ", rule.Checks.Select(c => c.Alignment))}; gradient {string.Join(", ", probe.Expected)}");
    }

    // Found by mutation testing (round 23B): a run resumed from a checkpoint past SwitchAtStep (Trainer.ResumeAt) switches
    // at its first step; switching only at exactly that step left the suite green, and the resumed Bulk-SGD arm would have
    // gone on as plain SGD.
    [Test]
    public void ARunResumedPastTheSwitchStepSwitchesAtItsFirstStep()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, h) = LeastSquares.Problem(5, 30, 7);
        using var n1 = net;
        using var d1 = data;
        var (_, vectors) = SpectraTestSupport.EighDescending(h);
        var top = vectors[.., 0].contiguous();
        var w0 = net.Layers[0].Weight.detach().reshape(-1).to(ScalarType.Float64).clone();
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Bulk, Rank = 1, SwitchAtStep = 2, Lanczos = new LanczosOptions { Tolerance = 1e-10 },
        });
        using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.01, MaxSteps = 7, UpdateTransform = transform });
        trainer.ResumeAt(5, null);
        trainer.Run(data);
        Assert.That(transform.SwitchStep, Is.EqualTo(5));
        Assert.That(transform.Refreshes, Is.EqualTo(2), "steps 5 and 6");
        var moved = net.Layers[0].Weight.detach().reshape(-1).to(ScalarType.Float64) - w0;
        Assert.That(moved.norm().ToDouble(), Is.GreaterThan(1e-3), "the bulk moved");
        Assert.That(Math.Abs(torch.dot(top, moved).ToDouble()), Is.LessThan(1e-5), "the top eigenvector's coordinate did not");
    }

    // Found by mutation testing (round 23B): each refresh is warm-started from the eigenspace before it (solving cold
    // every time left the suite green). Least squares has the same Hessian at every weight, so the second solve starts
    // from the first one's answer and converges in fewer Hessian-vector products.
    [Test]
    public void EachRefreshIsWarmStartedFromThePreviousEigenspace()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(40, 60, 4);
        using var n1 = net;
        using var d1 = data;
        var spent = new List<int>();
        using var transform = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Dominant, Rank = 2, RefreshEvery = 1,
            Lanczos = new LanczosOptions { Tolerance = 1e-6, Mode = EigensolverMode.Iterative },
        });
        var recorder = new AfterUpdate(() => spent.Add(transform.Eigenspace!.Products));
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 2, UpdateTransform = transform }, new[] { recorder });
        Assert.That(transform.Refreshes, Is.EqualTo(2));
        Assert.That(spent[1], Is.LessThan(spent[0]), $"warm {spent[1]}, cold {spent[0]}");
    }

    // Found by mutation testing (round 23B): without solver options the eigenspace is solved to the tolerance 1e-4 that
    // the transform's options document as suited to float32 products, not to LanczosOptions' own 1e-6 (which left the
    // suite green); the study's spectra at the switch are solved that way. With 300 parameters the solve is iterative.
    [Test]
    public void WithoutSolverOptionsTheEigenspaceIsSolvedToATolerance1e4()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(300, 400, 5);
        using var n1 = net;
        using var d1 = data;
        HessianEigenspace Solve(LanczosOptions? lanczos) =>
            HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 2, null, lanczos);
        using var unset = Solve(null);
        using var loose = Solve(new LanczosOptions { Tolerance = 1e-4 });
        using var tight = Solve(new LanczosOptions { Tolerance = 1e-6 });
        Assert.That(tight.Products, Is.GreaterThan(loose.Products), "the two tolerances differ in work here");
        Assert.That(unset.Products, Is.EqualTo(loose.Products));
        Assert.That(unset.Eigenvalues, Is.EqualTo(loose.Eigenvalues));
    }

    // Found by mutation testing (round 23B): each alignment check solves the eigenspace at the weights it checks
    // (reusing the first check's left the suite green: on least squares the Hessian never changes).
    [Test]
    public void EachAlignmentCheckSolvesTheEigenspaceAtItsStep()
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, _) = LeastSquares.Problem(5, 30, 7);
        using var n1 = net;
        using var d1 = data;
        using var rule = new DominantSubspaceTransform(new DominantSubspaceOptions
        {
            Mode = ProjectedUpdateMode.Full, Rank = 1, AlignmentThreshold = 1.0, AlignmentCheckEvery = 2,
        });
        Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 6, UpdateTransform = rule });
        Assert.That(rule.Switched, Is.False);
        Assert.That(rule.Checks.Select(c => c.Step), Is.EqualTo(new[] { 0, 2, 4 }));
        Assert.That(rule.Refreshes, Is.EqualTo(3));
        Assert.That(rule.Eigenspace!.Step, Is.EqualTo(4));
    }

    private sealed class AfterUpdate(Action action) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => action();
    }
}
