using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

public sealed class GaussNewtonTests
{
    private static FullyConnectedNetwork Mlp(long seed)
    {
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 3, HiddenWidths = new[] { 8 }, OutputCount = 2, UseBias = true,
            Activation = ActivationKind.Tanh, Seed = seed,
        });
        net.to(ScalarType.Float64);
        return net;
    }

    [Test]
    public void OperatorEqualsTwoOverNJtJ()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 10;
        using var net = Mlp(1);
        var x = SpectraTestSupport.Inputs(n, 3, 2).to(ScalarType.Float64);
        using var gn = new GaussNewtonOperator(net, x, chunkSize: 4);
        var j = ExplicitJacobian.Compute(net, x).to(ScalarType.Float64);
        TensorAssert.AllClose(gn.ToDense(), torch.mm(j.t(), j) * (2.0 / n), 1e-10, 1e-12, "G = (2/n)JᵀJ");
    }

    // A linear model with 3 parameters on 8 samples has a kernel of rank 3; the float32 kernel's other eigenvalues are
    // rounding, some of them negative, and their Jᵀu is rounding too. As documented, a pair whose kernel eigenvalue is
    // not positive gets a zero vector rather than normalised rounding (mutation round 13A).
    [Test]
    public void PairsWhoseKernelEigenvalueIsNotPositiveGetAZeroVector()
    {
        using var scope = torch.NewDisposeScope();
        using var net = SpectraTestSupport.StandardLinear(2, seed: 5);
        var x = SpectraTestSupport.Inputs(8, 2, seed: 6);
        using var pairs = GaussNewton.TopEigenpairsFromNtk(net, x, 8);
        var notPositive = Enumerable.Range(0, 8).Where(j => !(pairs.KernelValues[j] > 0)).ToArray();
        Assert.That(notPositive, Is.Not.Empty, "the case needs a kernel eigenvalue that rounds to zero or below");
        foreach (int j in notPositive)
            Assert.That(pairs.Vectors[.., j].abs().max().ToDouble(), Is.Zero, $"pair {j}, λ = {pairs.KernelValues[j]:G3}");
        for (int j = 0; j < 3; j++)
            Assert.That(pairs.Vectors[.., j].norm().ToDouble(), Is.EqualTo(1.0).Within(1e-9), $"pair {j} is a unit vector");
    }

    [Test]
    public void NonzeroSpectrumIsNtkSpectrumScaledAndShortcutAgreesWithOperator()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 6, k = 4;
        using var net = Mlp(3);
        var x = SpectraTestSupport.Inputs(n, 3, 4).to(ScalarType.Float64);
        using var gn = new GaussNewtonOperator(net, x);
        var (gValues, gVectors) = SpectraTestSupport.EighDescending(gn.ToDense());
        var (kValues, _) = SpectraTestSupport.EighDescending(ExplicitJacobian.Kernel(net, x));
        // P = 50 > nO = 12: G has nO nonzero eigenvalues (2/n)·λ(K) and P − nO zeros.
        Assert.That(gValues.Take(n * 2).ToArray(), Is.EqualTo(kValues.Select(l => 2.0 / n * l).ToArray()).Within(1e-9));
        Assert.That(gValues.Skip(n * 2).Select(Math.Abs).Max(), Is.LessThan(1e-10));

        using var shortcut = GaussNewton.TopEigenpairsFromNtk(net, x, k, lanczos: new LanczosOptions { Tolerance = 1e-12 });
        Assert.That(shortcut.Values, Is.EqualTo(gValues.Take(k).ToArray()).Within(1e-7));
        for (int i = 0; i < k; i++)
        {
            double overlap = Math.Abs(torch.dot(shortcut.Vectors[.., i], gVectors[.., i]).ToDouble());
            Assert.That(overlap, Is.EqualTo(1.0).Within(1e-7), $"eigenvector {i}");
        }
        // And the operator's own Lanczos solve agrees.
        using var lanczos = LanczosEigensolver.Solve(gn, k, new LanczosOptions { Tolerance = 1e-10, DenseThreshold = 0 });
        Assert.That(lanczos.Values, Is.EqualTo(shortcut.Values).Within(1e-7));
    }

    // The shortcut reports the kernel pairs it came from: for the standard linear model K = XXᵀ + 11ᵀ, whose top
    // eigenvalues LAPACK gives in float64, and G's are 2/n of them (mutation round 17A).
    [Test]
    public void TheShortcutReportsTheKernelEigenpairsItCameFrom()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 10;
        using var net = SpectraTestSupport.StandardLinear(3, seed: 7);
        net.to(ScalarType.Float64);
        var x = SpectraTestSupport.Inputs(n, 3, seed: 8).to(ScalarType.Float64);
        var (values, vectors) = SpectraTestSupport.EighDescending(SpectraTestSupport.LinearKernel(x));
        using var pairs = GaussNewton.TopEigenpairsFromNtk(net, x, 2);
        Assert.That(pairs.KernelValues, Is.EqualTo(values.Take(2).ToArray()).Within(1e-9 * values[0]));
        Assert.That(pairs.Values, Is.EqualTo(values.Take(2).Select(l => 2.0 / n * l).ToArray()).Within(1e-9 * values[0]));
        Assert.That(pairs.KernelVectors.shape, Is.EqualTo(new long[] { n, 2 }));
        for (int j = 0; j < 2; j++)
            Assert.That(Math.Abs(pairs.KernelVectors[.., j].dot(vectors[.., j]).ToDouble()), Is.EqualTo(1.0).Within(1e-9), $"kernel eigenvector {j}");
    }

    // The kernel products a matrix-free shortcut spent are those of the NTK solve it ran (the same deterministic
    // solve, repeated here), not 0 (mutation round 17A).
    [Test]
    public void TheShortcutReportsTheKernelProductsItSpent()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Mlp(9);
        var x = SpectraTestSupport.Inputs(6, 3, seed: 10).to(ScalarType.Float64);
        var ntk = new NtkOptions { Method = NtkMethod.MatrixFree };
        var lanczos = new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-10 };
        using var pairs = GaussNewton.TopEigenpairsFromNtk(net, x, 2, ntk, lanczos);
        using var kernel = NeuralTangentKernel.TopEigenpairs(net, x, 2, ntk, lanczos);
        Assert.That(kernel.OperatorApplications, Is.GreaterThan(0));
        Assert.That(pairs.KernelProducts, Is.EqualTo(kernel.OperatorApplications));
    }

    // The operator states its factor 2/n and its sample count (mutation round 17A).
    [Test]
    public void TheGaussNewtonOperatorStatesItsScale()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Mlp(11);
        var x = SpectraTestSupport.Inputs(8, 3, seed: 12).to(ScalarType.Float64);
        using var gn = new GaussNewtonOperator(net, x);
        Assert.That(gn.SampleCount, Is.EqualTo(8));
        Assert.That(gn.Scale, Is.EqualTo(2.0 / 8));
        Assert.That(gn.Jacobian.SampleCount, Is.EqualTo(8));
    }

    [Test]
    public void GaussNewtonEqualsHessianForLinearModelUnderMse()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(4, bias: true, outputs: 2, seed: 5);
        net.to(ScalarType.Float64);
        var x = SpectraTestSupport.Inputs(12, 4, 6).to(ScalarType.Float64);
        using var g = Seeding.TorchGenerator(7, Seeding.Stream.Data);
        var y = torch.randn(new long[] { 12, 2 }, generator: g);
        using var gn = new GaussNewtonOperator(net, x);
        using var h = new HessianOperator(net, x, y, LossKind.MeanSquaredError);
        TensorAssert.AllClose(gn.ToDense(), h.ToDense(), 1e-10, 1e-12, "G = H for a linear model");
    }
}
