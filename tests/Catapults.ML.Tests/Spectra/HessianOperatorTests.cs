using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

public sealed class HessianOperatorTests
{
    private static FullyConnectedNetwork Float64Mlp(int d, int width, int outputs, long seed)
    {
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = new[] { width }, OutputCount = outputs, UseBias = true,
            Activation = ActivationKind.Tanh, Parameterization = Parameterization.Ntk, Seed = seed,
        });
        net.to(ScalarType.Float64);
        return net;
    }

    // Standard parameterisation: f = W x with forward multiplier 1, so the Hessian in W carries no 1/d factor.
    private static FullyConnectedNetwork StandardLinear(int d, int outputs, long seed)
    {
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = Array.Empty<int>(), OutputCount = outputs, UseBias = false,
            Parameterization = Parameterization.Standard, Seed = seed,
        });
        net.to(ScalarType.Float64);
        return net;
    }

    private static Tensor Targets(int n, int outputs, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(new long[] { n, outputs }, generator: g);
    }

    [Test]
    public void LinearLeastSquaresHessianIsTwoOverNXtX()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 20, d = 5;
        using var net = StandardLinear(d, 1, 0);
        var x = SpectraTestSupport.Inputs(n, d, 1).to(ScalarType.Float64);
        var y = Targets(n, 1, 2);
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        var expected = torch.mm(x.t(), x) * (2.0 / n);
        TensorAssert.AllClose(op.ToDense(), expected, 1e-10, 1e-12, "H = (2/n)XᵀX");
    }

    [Test]
    public void TwoClassCrossEntropyHessianIsLogisticRegressionHessian()
    {
        // Logits z = W x (W [2, d], no bias). With p = σ(z₁ − z₀), the per-sample Hessian of −log softmax in z is
        // σ(1−σ)[[1, −1], [−1, 1]], so H = [[A, −A], [−A, A]] with A = (1/n) Xᵀ diag(σ(1−σ)) X, the logistic-regression
        // Hessian in w = w₁ − w₀.
        using var scope = torch.NewDisposeScope();
        const int n = 30, d = 4;
        using var net = StandardLinear(d, 2, 3);
        var x = SpectraTestSupport.Inputs(n, d, 4).to(ScalarType.Float64);
        using var g = Seeding.TorchGenerator(5, Seeding.Stream.Data);
        var labels = torch.randint(0, 2, new long[] { n }, generator: g, dtype: ScalarType.Int64);
        using var op = new HessianOperator(net, x, labels, LossKind.CrossEntropy);

        Assert.That(net.Layers[0].WeightScale, Is.EqualTo(1.0));
        var w = net.Layers[0].Weight.detach();
        var margin = torch.mv(x, w[1] - w[0]);
        var s = torch.sigmoid(margin);
        var a = torch.mm(x.t() * (s * (1 - s)).unsqueeze(0), x) / n;
        var expected = torch.cat(new[] { torch.cat(new[] { a, -a }, 1), torch.cat(new[] { -a, a }, 1) }, 0);
        TensorAssert.AllClose(op.ToDense(), expected, 1e-10, 1e-12, "H = [[A, −A], [−A, A]]");
    }

    [Test]
    public void HessianVectorProductMatchesCentralFiniteDifference()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 24;
        using var net = Float64Mlp(3, 8, 2, seed: 6);
        var x = SpectraTestSupport.Inputs(n, 3, 7).to(ScalarType.Float64);
        var y = Targets(n, 2, 8);
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 7 });
        using var g = Seeding.TorchGenerator(9, Seeding.Stream.Data);
        var v = torch.randn(new[] { op.Dimension }, ScalarType.Float64, generator: g);
        var hv = op.Apply(v);

        TensorAssert.AllClose(hv, CentralDifference(op, net, v), 1e-6, 1e-8, "Hv vs central difference");

        // Streaming in chunks of 7 and one retained graph give the same product.
        using var whole = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        TensorAssert.AllClose(whole.Apply(v), hv, 1e-12, 1e-12, "chunked vs whole");
        Assert.That(op.SampleCount, Is.EqualTo(n));
    }

    [Test]
    public void DeepChainHessianVectorProductsMatchCentralFiniteDifferences(
        [Values(ActivationKind.Tanh, ActivationKind.Gelu, ActivationKind.Relu)] ActivationKind activation)
    {
        // A fully connected network's squared-error products come from the R-operator sweep (no autograd); central
        // differences of the autograd gradient are the independent reference. Depth 3, biases, three outputs, NTK
        // scales and an output multiplier, so every term of the sweep (σ'' included, zero for ReLU) enters; a wide
        // first layer and narrow later ones, so both layouts of R(z) (transposed below 32 outputs) are used.
        using var scope = torch.NewDisposeScope();
        const int n = 15;
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 4, HiddenWidths = new[] { 40, 5 }, OutputCount = 3, UseBias = true, Activation = activation,
            OutputMultiplier = 0.7, Seed = 21,
        });
        net.to(ScalarType.Float64);
        // Seeded biases: with the global generator a ReLU kink could fall inside the difference step in some test orders.
        using (var biasGenerator = Seeding.TorchGenerator(25, Seeding.Stream.Data))
        using (torch.no_grad())
            foreach (var layer in net.Layers) layer.Bias!.normal_(0, 0.3, biasGenerator);
        var x = SpectraTestSupport.Inputs(n, 4, 22).to(ScalarType.Float64);
        var y = Targets(n, 3, 23);
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        using var g = Seeding.TorchGenerator(24, Seeding.Stream.Data);
        var v = torch.randn(new[] { op.Dimension }, ScalarType.Float64, generator: g);
        var hv = op.Apply(v);

        TensorAssert.AllClose(hv, CentralDifference(op, net, v), 1e-6, 1e-8, $"{activation}: Hv vs central difference");
        // A block of two columns is two products.
        var block = torch.stack(new[] { v, v * -2 }, 1);
        TensorAssert.AllClose(op.Apply(block), torch.stack(new[] { hv, hv * -2 }, 1), 1e-10, 1e-12, "block");
    }

    [Test]
    public void IndefiniteHessianGivesSignedExtremeEigenvalues()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 16;
        using var net = Float64Mlp(3, 6, 2, seed: 10);
        var x = SpectraTestSupport.Inputs(n, 3, 11).to(ScalarType.Float64);
        // Targets far from the outputs make the residual term of the Hessian large, hence indefinite.
        var y = Targets(n, 2, 12) * 5;
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        var (all, _) = SpectraTestSupport.EighDescending(op.ToDense());
        Assert.That(all[^1], Is.LessThan(-1e-3), "the test problem must be indefinite");
        double magnitude = all.OrderByDescending(Math.Abs).First();

        var options = new LanczosOptions { Tolerance = 1e-10, DenseThreshold = 0 };
        options.Which = SpectrumEnd.LargestAlgebraic;
        using (var top = op.TopEigenpairs(2, options)) Assert.That(top.Values, Is.EqualTo(all.Take(2).ToArray()).Within(1e-7));
        options.Which = SpectrumEnd.SmallestAlgebraic;
        using (var bottom = op.TopEigenpairs(2, options)) Assert.That(bottom.Values, Is.EqualTo(new[] { all[^1], all[^2] }).Within(1e-7));
        options.Which = SpectrumEnd.LargestMagnitude;
        using (var mag = op.TopEigenpairs(1, options)) Assert.That(mag.Values[0], Is.EqualTo(magnitude).Within(1e-7));
    }

    [Test]
    public void WarmStartFromPreviousEigenvectorsNeedsFewerProducts()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(4, 10, 3, seed: 13);
        var x = SpectraTestSupport.Inputs(32, 4, 14).to(ScalarType.Float64);
        var y = Targets(32, 3, 15);
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        var options = new LanczosOptions { Tolerance = 1e-8 };
        using var cold = op.TopEigenpairs(3, options);
        using var warm = op.TopEigenpairs(3, options, cold.Vectors);
        Assert.That(warm.Values, Is.EqualTo(cold.Values).Within(1e-6));
        Assert.That(warm.OperatorApplications, Is.LessThan(cold.OperatorApplications));
    }

    [Test]
    public void SubsetOptionUsesThatManySamples()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 1, seed: 16);
        var x = SpectraTestSupport.Inputs(40, 3, 17).to(ScalarType.Float64);
        var y = Targets(40, 1, 18);
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { SubsetSize = 10 });
        Assert.That(op.SampleCount, Is.EqualTo(10));
        Assert.Throws<ArgumentException>(() => new HessianOperator(net, x, y.narrow(0, 0, 5), LossKind.MeanSquaredError));
        Assert.Throws<ArgumentException>(() => new HessianOptions { ChunkSize = 0 }.Validate());
    }

    // A subset keeps every sample with its own target (mutation round 17A: the targets' first rows paired with the
    // randomly drawn features passed). The targets are the network's own outputs (in float32, as targets are), so any
    // matched subset has a loss of float32 rounding only, where a mismatched one has the targets' spread.
    [Test]
    public void ASubsetKeepsEachSampleWithItsOwnTarget()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 1, seed: 22);
        var x = SpectraTestSupport.Inputs(40, 3, 23).to(ScalarType.Float64);
        Tensor y;
        using (torch.no_grad()) y = net.forward(x).detach().to(ScalarType.Float32);
        Assert.That(y.std().ToDouble(), Is.GreaterThan(1e-3), "the targets differ between samples");
        foreach (long seed in new long[] { 0, 1, 2 })
        {
            using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { SubsetSize = 10, SubsetSeed = seed });
            Assert.That(op.SampleCount, Is.EqualTo(10));
            Assert.That(op.LossValue(), Is.LessThan(1e-12), $"subset seed {seed}");
        }
    }

    // Products counts Hessian-vector products, a block of k columns as k, over every call (mutation round 23A).
    [Test]
    public void ProductsCountsEveryColumnOfEveryProduct()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 1, seed: 22);
        var x = SpectraTestSupport.Inputs(6, 3, 23).to(ScalarType.Float64);
        using var op = new HessianOperator(net, x, Targets(6, 1, 24), LossKind.MeanSquaredError);
        Assert.That(op.Products, Is.Zero);
        op.Apply(torch.ones(op.InputSize, 3, ScalarType.Float64));
        Assert.That(op.Products, Is.EqualTo(3));
        op.Apply(torch.ones(op.InputSize, ScalarType.Float64));
        Assert.That(op.Products, Is.EqualTo(4));
        using var eig = op.TopEigenpairs(1, new LanczosOptions { Mode = EigensolverMode.Iterative });
        Assert.That(op.Products, Is.EqualTo(4 + eig.OperatorApplications));
    }

    // The samples are copied, as documented: a caller who rescales its features in place afterwards, or disposes them,
    // leaves the operator's later products unchanged (mutation round 23A: without the copy a chunked operator, which
    // rebuilds its graph per product, saw the rescaled features and the caller's tensor was disposed with the operator).
    [Test]
    public void TheOperatorKeepsItsOwnCopyOfTheSamples()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 2, seed: 25);
        var x = SpectraTestSupport.Inputs(6, 3, 26).to(ScalarType.Float64);
        var y = Targets(6, 2, 27).to(ScalarType.Float64);
        var v = torch.ones(net.TrainableParameterCount(), ScalarType.Float64);
        using var reference = new HessianOperator(net, x.clone(), y.clone(), LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 4 });
        var expected = reference.Apply(v);
        var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 4 });
        x.mul_(2.0);
        y.mul_(-1.0);
        Assert.That((op.Apply(v) - expected).abs().max().ToDouble(), Is.EqualTo(0.0), "the product of the samples it was given");
        op.Dispose();
        Assert.That(x.IsInvalid, Is.False, "the caller's features outlive the operator");
        Assert.That(x.sum().ToDouble(), Is.Not.NaN);
    }

    // Without options the Hessian's top eigenpairs are solved to the documented 1e-5, looser than the eigensolver's own
    // default of 1e-6 (each Hessian product is a double-backward pass): the solve is the one that Tolerance = 1e-5 gives,
    // product for product, and not the 1e-6 one (mutation round 23A).
    [Test]
    public void TopEigenpairsWithoutOptionsSolveToATolerance1e5()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(4, 16, 2, seed: 28);
        var x = SpectraTestSupport.Inputs(30, 4, 29).to(ScalarType.Float64);
        using var op = new HessianOperator(net, x, Targets(30, 2, 30), LossKind.MeanSquaredError);
        using var byDefault = op.TopEigenpairs(3);
        using var loose = op.TopEigenpairs(3, new LanczosOptions { Tolerance = 1e-5 });
        using var tight = op.TopEigenpairs(3, new LanczosOptions { Tolerance = 1e-6 });
        Assume.That(tight.OperatorApplications, Is.Not.EqualTo(loose.OperatorApplications), "the case tells the tolerances apart");
        Assert.That(byDefault.OperatorApplications, Is.EqualTo(loose.OperatorApplications));
        Assert.That(byDefault.Values, Is.EqualTo(loose.Values));
        Assert.That(byDefault.MaxRelativeResidual, Is.LessThanOrEqualTo(1e-5));
    }

    [Test]
    public void HessianProductsAndSolvesDoNotLeak()
    {
        using var net = Float64Mlp(3, 6, 2, seed: 19);
        var x = SpectraTestSupport.Inputs(20, 3, 20).to(ScalarType.Float64);
        var y = Targets(20, 2, 21);
        void Run()
        {
            using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 8 });
            using var r = op.TopEigenpairs(2);
            using var g = op.Gradient();
            using var retained = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
            using var r2 = retained.TopEigenpairs(2);
        }
        TensorAssert.NoLeak(Run, Run, "Hessian operator");
        x.Dispose();
        y.Dispose();
    }

    // (∇L(w + εv) − ∇L(w − εv)) / 2ε from the operator's autograd gradient: the independent reference for Hv.
    private static Tensor CentralDifference(HessianOperator op, NetworkModule net, Tensor v, double eps = 1e-5)
    {
        var parameters = ParameterVector.ParametersOf(net);
        var steps = ParameterVector.Split(v, parameters.Cast<Tensor>().ToList());
        void Shift(double by) { using var ng = torch.no_grad(); for (int i = 0; i < parameters.Count; i++) parameters[i].add_(steps[i] * by); }
        Shift(eps);
        var plus = op.Gradient();
        Shift(-2 * eps);
        var minus = op.Gradient();
        Shift(eps);
        return (plus - minus) / (2 * eps);
    }

    // Found by mutation testing (round 37A): a fully connected network's squared-error products come from its own
    // sweep, which refuses targets the loss refuses instead of broadcasting them (targets [n] for one output) or
    // converting them (integer targets): the product then fails with the loss's own message, as for any other model.
    [Test]
    public void SquaredErrorTargetsTheLossRefusesAreRefusedForADenseChainToo()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 1, seed: 31);
        var x = SpectraTestSupport.Inputs(6, 3, 32).to(ScalarType.Float64);
        var v = torch.ones(net.TrainableParameterCount(), ScalarType.Float64);
        using (var flat = new HessianOperator(net, x, Targets(6, 1, 33).reshape(6), LossKind.MeanSquaredError))
        {
            var ex = Assert.Throws<ArgumentException>(() => flat.Apply(v));
            Assert.That(ex!.Message, Does.StartWith("MeanSquaredError needs float32 targets shaped like the output [6, 1], got [6] Float32."));
        }
        using (var integers = new HessianOperator(net, x, torch.ones(6, 1, ScalarType.Int64), LossKind.MeanSquaredError))
        {
            var ex = Assert.Throws<ArgumentException>(() => integers.Apply(v));
            Assert.That(ex!.Message, Does.StartWith("MeanSquaredError needs float32 targets shaped like the output [6, 1], got [6, 1] Int64."));
        }
    }

    // Found by mutation testing (round 37A): a product asked of a disposed operator is refused as such, for the
    // Hessian (its products summed over chunks) and the Jacobian (its products stacked by chunk) alike, rather than
    // reaching the samples the operator has already released.
    [Test]
    public void ProductsOfADisposedOperatorAreRefusedAsDisposed()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Float64Mlp(3, 4, 1, seed: 34);
        var x = SpectraTestSupport.Inputs(6, 3, 35).to(ScalarType.Float64);
        var v = torch.ones(net.TrainableParameterCount(), ScalarType.Float64);
        var hessian = new HessianOperator(net, x, Targets(6, 1, 36), LossKind.MeanSquaredError);
        hessian.Dispose();
        Assert.Throws<ObjectDisposedException>(() => hessian.Apply(v));
        var jacobian = new JacobianOperator(net, x);
        jacobian.Dispose();
        Assert.Throws<ObjectDisposedException>(() => jacobian.ApplyFlat(v));
    }
}
