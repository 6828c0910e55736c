using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

public class NeuralTangentKernelTests
{
    private static readonly NtkMethod[] AllMethods = { NtkMethod.ExplicitJacobian, NtkMethod.LayerWise, NtkMethod.MatrixFree };

    private static Tensor Kernel(NetworkModule model, Tensor x, NtkMethod method) =>
        NeuralTangentKernel.Compute(model, x, new NtkOptions { Method = method });

    [Test]
    public void LinearModelWithBiasHasKernelXXtPlusOnes([ValueSource(nameof(AllMethods))] NtkMethod method)
    {
        // Standard parameterisation: f = wᵀx + b exactly, so K = XXᵀ + 11ᵀ.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 6, HiddenWidths = Array.Empty<int>(), Parameterization = Parameterization.Standard, Seed = 3 });
        var x = Inputs(9, 6, seed: 1);
        var xd = Float64(x);
        var expected = xd.mm(xd.t()) + 1.0;
        TensorAssert.AllClose(Kernel(net, x, method), expected, 1e-5, 1e-5, $"{method} linear kernel");
    }

    [Test]
    public void NtkScalingAndOutputMultiplierEnterTheLinearKernel([ValueSource(nameof(AllMethods))] NtkMethod method)
    {
        // f = m (wᵀx/√d + b): K = m² (XXᵀ/d + 11ᵀ).
        const int d = 5;
        const double m = 0.3;
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = d, HiddenWidths = Array.Empty<int>(), OutputMultiplier = m, Seed = 4 });
        var x = Inputs(7, d, seed: 2);
        var xd = Float64(x);
        var expected = (xd.mm(xd.t()) / d + 1.0) * (m * m);
        TensorAssert.AllClose(Kernel(net, x, method), expected, 1e-5, 1e-6, $"{method} scaled linear kernel");
    }

    // f = Wx with 3 outputs on 4 inputs, no bias, standard parameterisation: K = (XXᵀ) ⊗ I₃ in sample-major order.
    private static FullyConnectedNetwork LinearThreeOutputs() => new(new FullyConnectedOptions
    {
        InputDimension = 4, HiddenWidths = Array.Empty<int>(), OutputCount = 3, UseBias = false,
        Parameterization = Parameterization.Standard, Seed = 5,
    });

    [Test]
    public void MultiOutputEigenpairsFindEveryCopyOfARepeatedEigenvalue([ValueSource(nameof(AllMethods))] NtkMethod method)
    {
        // K = (XXᵀ) ⊗ I₃ has each eigenvalue three times. Single-vector Lanczos sees one copy of each, so the operator
        // solves with blocks of min(O, count) vectors unless told otherwise, and leaves the caller's options as they were.
        using var scope = torch.NewDisposeScope();
        using var net = LinearThreeOutputs();
        var x = Inputs(6, 4, seed: 3);
        var xd = Float64(x);
        double[] gram = torch.linalg.eigvalsh(xd.mm(xd.t())).data<double>().ToArray().OrderDescending().ToArray();
        var lanczos = new LanczosOptions { DenseThreshold = 0 }; // the iterative solve, not a dense one of the small kernel
        using var result = NeuralTangentKernel.TopEigenpairs(net, x, 4, new NtkOptions { Method = method }, lanczos);
        Assert.Multiple(() =>
        {
            Assert.That(result.Values, Is.EqualTo(new[] { gram[0], gram[0], gram[0], gram[1] }).Within(1e-4 * gram[0]), method.ToString());
            Assert.That(lanczos.BlockSize, Is.Null, "the caller's options");
        });
    }

    [Test]
    public void MultiOutputLinearModelHasKroneckerKernel([ValueSource(nameof(AllMethods))] NtkMethod method)
    {
        // f = Wx with 3 outputs: K = (XXᵀ) ⊗ I₃ in sample-major order.
        using var scope = torch.NewDisposeScope();
        using var net = LinearThreeOutputs();
        var x = Inputs(6, 4, seed: 3);
        var xd = Float64(x);
        var expected = torch.kron(xd.mm(xd.t()), torch.eye(3, dtype: ScalarType.Float64));
        TensorAssert.AllClose(Kernel(net, x, method), expected, 1e-5, 1e-5, $"{method} multi-output kernel");
    }

    [Test]
    public void RepeatedTopEigenvaluesOfAMultiOutputKernelAreAllFound()
    {
        // K = (XXᵀ) ⊗ I₃ has each eigenvalue of XXᵀ three times. Past the dense threshold (nO = 300) single-vector
        // Lanczos found one or two copies and reported convergence (found by review); the reference is LAPACK on XXᵀ.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 20, HiddenWidths = Array.Empty<int>(), OutputCount = 3, UseBias = false,
            Parameterization = Parameterization.Standard, Seed = 5,
        });
        var x = torch.randn(new long[] { 100, 20 }, generator: new Generator(4));
        var xd = Float64(x);
        var gram = torch.linalg.eigvalsh(xd.mm(xd.t())).flip(0).data<double>().ToArray();
        foreach (int count in new[] { 4, 6 })
        {
            var expected = Enumerable.Range(0, count).Select(i => gram[i / 3]).ToArray();
            using var eig = NeuralTangentKernel.TopEigenpairs(net, x, count);
            Assert.That(eig.SolvedDirectly, Is.False, "the iterative path");
            Assert.That(eig.Converged, Is.True);
            Assert.That(eig.Values, Is.EqualTo(expected).Within(1e-5 * gram[0]), $"top {count}");
        }
    }

    [Test]
    public void TwoLayerNetworkMatchesItsClosedForm([ValueSource(nameof(AllMethods))] NtkMethod method)
    {
        // f = aᵀσ(Wx/√d)/√m: K(x,x') = [σ(Wx/√d)·σ(Wx'/√d) + (xᵀx'/d) Σ_k a_k² σ'_k(x) σ'_k(x')]/m (DESIGN §4).
        const int d = 8, width = 64, n = 12;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(d, width, seed: 7);
        var x = Inputs(n, d, seed: 4);
        var xd = Float64(x);
        var w = Float64(net.Layers[0].Weight);
        var a = Float64(net.Layers[1].Weight).reshape(-1);
        var pre = xd.mm(w.t()) / Math.Sqrt(d);
        var features = nn.functional.relu(pre);
        var slopes = pre.gt(0).to(ScalarType.Float64) * a.unsqueeze(0);
        var expected = (features.mm(features.t()) + xd.mm(xd.t()) / d * slopes.mm(slopes.t())) / width;
        TensorAssert.AllClose(Kernel(net, x, method), expected, 2e-5, 2e-5, $"{method} two-layer kernel");
    }

    [Test]
    public void DeepNetworkWithBiasesAndOutputsAgreesAcrossMethods()
    {
        // No closed form: the three methods are independent computations (per-sample autograd, analytic layer-wise
        // sweep, double backward) and must agree.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 5, HiddenWidths = new[] { 16, 12 }, OutputCount = 3, Activation = ActivationKind.Tanh,
            UseBias = true, OutputMultiplier = 0.5, Seed = 8,
        });
        // Non-zero biases, so the bias terms are exercised.
        using (torch.no_grad()) foreach (var layer in net.Layers) layer.Bias!.normal_(0, 0.3);
        var x = Inputs(7, 5, seed: 5);
        var reference = Kernel(net, x, NtkMethod.ExplicitJacobian);
        TensorAssert.AllClose(Kernel(net, x, NtkMethod.LayerWise), reference, 1e-4, 1e-5, "layer-wise vs explicit");
        TensorAssert.AllClose(Kernel(net, x, NtkMethod.MatrixFree), reference, 1e-4, 1e-5, "matrix-free vs explicit");
        Assert.That(reference.shape, Is.EqualTo(new long[] { 21, 21 }));
    }

    [Test]
    public void LayerWiseKernelStripsAgreeWithTheExplicitJacobian([Values(1, 2)] int outputs)
    {
        // More samples than one strip of rows (300 samples: strips of 128, 128 and 44), one output (the fused
        // single-output path) or two, depth 3 with biases, so the mirrored part below the diagonal, the ragged last strip
        // and the output interleaving are all exercised.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 4, HiddenWidths = new[] { 9, 7 }, OutputCount = outputs, Activation = ActivationKind.Tanh,
            UseBias = true, OutputMultiplier = 0.7, Seed = 9,
        });
        using (torch.no_grad()) foreach (var layer in net.Layers) layer.Bias!.normal_(0, 0.3);
        var x = Inputs(300, 4, seed: 10);
        var reference = Kernel(net, x, NtkMethod.ExplicitJacobian);
        var layerWise = Kernel(net, x, NtkMethod.LayerWise);
        Assert.That(layerWise.shape, Is.EqualTo(new long[] { 300 * outputs, 300 * outputs }));
        TensorAssert.AllClose(layerWise, reference, 1e-4, 1e-5, "layer-wise in strips vs explicit");
        TensorAssert.AllClose(layerWise, layerWise.t(), 1e-6, 1e-6, "the mirrored part keeps K symmetric");
    }

    [Test]
    public void MeanFieldReadoutScaleIsHonoured()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(6, 20, seed: 2, bias: true, p: Parameterization.MeanField, act: ActivationKind.Gelu);
        var x = Inputs(5, 6, seed: 6);
        TensorAssert.AllClose(Kernel(net, x, NtkMethod.LayerWise), Kernel(net, x, NtkMethod.ExplicitJacobian), 1e-4, 1e-6, "mean-field layer-wise");
    }

    [Test]
    public void JacobianProductsMatchTheExplicitJacobian()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new OddModel(4, 10, seed: 1);
        var x = Inputs(6, 4, seed: 7);
        var j = Float64(ExplicitJacobian.Compute(model, x)); // [12, P]
        long p = j.shape[1];
        var v = Inputs(6, 2, seed: 8);
        var u = Inputs(1, (int)p, seed: 9).reshape(-1);
        using var jac = new JacobianOperator(model, x);
        Assert.That(jac.ParameterCount, Is.EqualTo(p));
        TensorAssert.AllClose(jac.TransposeApplyFlat(v), torch.mv(j.t(), Float64(v).reshape(-1)), 1e-5, 1e-6, "Jᵀv");
        TensorAssert.AllClose(jac.ApplyFlat(u).reshape(-1), torch.mv(j, Float64(u)), 1e-5, 1e-6, "Ju");
        // One-shot helpers agree with the session.
        TensorAssert.AllClose(JacobianProducts.ProductFlat(model, x, u), jac.ApplyFlat(u), 1e-6, 1e-7, "one-shot Ju");
        var perParameter = JacobianProducts.TransposeProduct(model, x, v);
        Assert.That(perParameter.Select(t => t.shape), Is.EqualTo(jac.Parameters.Select(t => t.shape)));
    }

    [TestCase(1, true, new[] { 9, 7 }, 5, ActivationKind.Tanh, null)]
    [TestCase(1, false, new[] { 16 }, 5, ActivationKind.Relu, 3)]
    [TestCase(3, true, new[] { 6, 4 }, 5, ActivationKind.Gelu, null)]
    [TestCase(2, true, new[] { 4 }, 12, ActivationKind.Tanh, 4)]
    [TestCase(1, true, new[] { 4 }, 12, ActivationKind.Tanh, null)]
    [TestCase(1, false, new[] { 6, 5 }, 4, ActivationKind.Relu, 4)]
    public void DenseChainProductsMatchTheExplicitJacobian(int outputs, bool bias, int[] widths, int d, ActivationKind activation, int? chunk)
    {
        // A fully connected network's J u and Jᵀ v come from its linearisation (no autograd); the explicit Jacobian
        // (one backward pass per output row) is the independent reference. The cases cover one and several outputs,
        // biases, depth 2 and 3, a first layer wider than the next, and chunks; single-output chains take the products
        // from their transposed layout, with and without biases.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = widths, OutputCount = outputs, Activation = activation, UseBias = bias,
            OutputMultiplier = 0.8, Seed = 12,
        });
        if (bias) using (torch.no_grad()) foreach (var layer in net.Layers) layer.Bias!.normal_(0, 0.3);
        var x = Inputs(10, d, seed: 13);
        var j = Float64(ExplicitJacobian.Compute(net, x));
        var v = Inputs(10, outputs, seed: 14);
        var u = Inputs(1, (int)j.shape[1], seed: 15).reshape(-1);
        using var jac = new JacobianOperator(net, x, chunk);
        TensorAssert.AllClose(jac.TransposeApplyFlat(v), torch.mv(j.t(), Float64(v).reshape(-1)), 1e-5, 1e-6, "Jᵀv");
        TensorAssert.AllClose(jac.ApplyFlat(u).reshape(-1), torch.mv(j, Float64(u)), 1e-5, 1e-6, "Ju");
        TensorAssert.AllClose(jac.Outputs(), net.forward(x), 1e-6, 1e-6, "outputs");
        var block = Inputs(10 * outputs, 3, seed: 16);
        TensorAssert.AllClose(jac.Adjoint.Apply(block), j.t().mm(Float64(block)), 1e-5, 1e-6, "Jᵀ on a block");
    }

    [Test]
    public void DenseChainWithAFrozenParameterFallsBackToAutograd()
    {
        // With a frozen bias the parameters are no longer the chain's weights and biases, so the products go through
        // autograd, over the trainable parameters only.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 5, HiddenWidths = new[] { 8 }, OutputCount = 2, Activation = ActivationKind.Tanh, UseBias = true, Seed = 17 });
        net.Layers[0].Bias!.requires_grad_(false);
        var x = Inputs(6, 5, seed: 18);
        var j = Float64(ExplicitJacobian.Compute(net, x));
        using var jac = new JacobianOperator(net, x);
        Assert.That(jac.ParameterCount, Is.EqualTo(5 * 8 + 8 * 2 + 2));
        var v = Inputs(6, 2, seed: 19);
        var u = Inputs(1, (int)j.shape[1], seed: 20).reshape(-1);
        TensorAssert.AllClose(jac.TransposeApplyFlat(v), torch.mv(j.t(), Float64(v).reshape(-1)), 1e-5, 1e-6, "Jᵀv");
        TensorAssert.AllClose(jac.ApplyFlat(u).reshape(-1), torch.mv(j, Float64(u)), 1e-5, 1e-6, "Ju");
    }

    [Test]
    public void GenericModelUsesGenericPathsAndRefusesLayerWise()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new OddModel(4, 10, seed: 2);
        var x = Inputs(5, 4, seed: 10);
        Assert.That(NeuralTangentKernel.ChooseMethod(model, 5), Is.Not.EqualTo(NtkMethod.LayerWise));
        var ex = Assert.Throws<ArgumentException>(() => Kernel(model, x, NtkMethod.LayerWise));
        Assert.That(ex!.Message, Does.Contain("FullyConnectedNetwork"));
        var reference = Kernel(model, x, NtkMethod.ExplicitJacobian);
        TensorAssert.AllClose(Kernel(model, x, NtkMethod.MatrixFree), reference, 1e-4, 1e-5, "generic model");
        // Chunked graphs (2 + 2 + 1 samples) give the same kernel and products.
        var chunked = NeuralTangentKernel.Compute(model, x, new NtkOptions { Method = NtkMethod.MatrixFree, ChunkSize = 2 });
        TensorAssert.AllClose(chunked, reference, 1e-4, 1e-5, "chunked matrix-free");
        using var whole = new JacobianOperator(model, x);
        using var pieces = new JacobianOperator(model, x, chunkSize: 2);
        Assert.That(pieces.ChunkSize, Is.EqualTo(2));
        var v = Inputs(5, 2, seed: 16);
        TensorAssert.AllClose(pieces.TransposeApplyFlat(v), whole.TransposeApplyFlat(v), 1e-5, 1e-6, "chunked Jᵀv");
        TensorAssert.AllClose(pieces.Outputs(), whole.Outputs(), 1e-6, 1e-6, "chunked outputs");
    }

    [Test]
    public void AutomaticChoiceFollowsCostAndMemory()
    {
        using var net = Nets.TwoLayer(100, 1024, bias: true);
        // A fully connected network on a moderate sample set: the layer-wise kernel is far cheaper than anything else.
        Assert.That(NeuralTangentKernel.ChooseMethod(net, 2000), Is.EqualTo(NtkMethod.LayerWise));
        // With a tiny memory budget no dense kernel fits: matrix-free.
        Assert.That(NeuralTangentKernel.ChooseMethod(net, 8000, 5, new NtkOptions { MemoryBudgetBytes = 64L << 20 }), Is.EqualTo(NtkMethod.MatrixFree));
        var costs = NeuralTangentKernel.EstimateCosts(net, 2000);
        var explicitCost = costs.Single(c => c.Method == NtkMethod.ExplicitJacobian);
        var layerWise = costs.Single(c => c.Method == NtkMethod.LayerWise);
        Assert.That(explicitCost.Bytes, Is.GreaterThan(4.0 * 2000 * 104449), "the explicit Jacobian alone is nP floats");
        Assert.That(layerWise.Work, Is.LessThan(explicitCost.Work / 10));
    }

    [Test]
    public void TopEigenpairsAgreeAcrossMethodsAndWithDenseEigh()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(10, 128, seed: 3, bias: true);
        var x = Inputs(40, 10, seed: 11);
        var (values, _) = EighDescending(Kernel(net, x, NtkMethod.ExplicitJacobian));
        var lanczos = new LanczosOptions { DenseThreshold = 0, Tolerance = 1e-7 };
        foreach (var method in AllMethods)
        {
            using var eig = NeuralTangentKernel.TopEigenpairs(net, x, 4, new NtkOptions { Method = method }, lanczos);
            Assert.That(eig.Values, Is.EqualTo(values.Take(4).ToArray()).Within(1e-4 * values[0]), $"{method} eigenvalues");
            Assert.That(eig.Converged, Is.True, $"{method} converged");
            Assert.That(eig.MaxRelativeResidual, Is.LessThan(1e-5), $"{method} residuals");
        }
    }

    [Test]
    public void NtkComputationsDoNotLeakTensors()
    {
        using var net = Nets.TwoLayer(6, 32, seed: 1, bias: true);
        using var x = Inputs(10, 6, seed: 12);
        void All()
        {
            foreach (var method in AllMethods) Kernel(net, x, method).Dispose();
            using (var eig = NeuralTangentKernel.TopEigenpairs(net, x, 2, new NtkOptions { Method = NtkMethod.MatrixFree },
                       new LanczosOptions { DenseThreshold = 0 })) { }
            using var v = torch.ones(10, 1);
            foreach (var t in JacobianProducts.TransposeProduct(net, x, v)) t.Dispose();
        }
        TensorAssert.NoLeak(All, All, "NTK kernels, operators and Jacobian products");
    }

    [Test]
    public void BadInputsGetClearErrors()
    {
        using var net = Nets.TwoLayer(6, 8);
        using var wrong = torch.randn(4, 5);
        var ex = Assert.Throws<ArgumentException>(() => LayerWiseNtk.Compute(net, wrong));
        Assert.That(ex!.Message, Does.Contain("[n, 6]"));
        using var x = torch.randn(4, 6);
        using var jac = new JacobianOperator(net, x);
        using var badV = torch.ones(3, 1);
        ex = Assert.Throws<ArgumentException>(() => jac.TransposeApply(badV));
        Assert.That(ex!.Message, Does.Contain("[4, 1]"));
    }
}
