using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>The operator algebra against closed forms: J·Jᵀ is the NTK, (2/n)·Jᵀ·J the Gauss–Newton matrix, Jᵀ the adjoint of J.</summary>
public sealed class LinearOperatorTests
{
    // Standard parameterisation and no hidden layer: f = Wx (+ b) exactly, in float64.
    private static FullyConnectedNetwork Linear(int d, bool bias, int outputs = 1, long seed = 0)
    {
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = Array.Empty<int>(), OutputCount = outputs, UseBias = bias,
            Parameterization = Parameterization.Standard, Seed = seed,
        });
        net.to(ScalarType.Float64);
        return net;
    }

    private static FullyConnectedNetwork TwoLayer(long seed)
    {
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 4, HiddenWidths = new[] { 7 }, OutputCount = 3, Activation = ActivationKind.Tanh, Seed = seed });
        net.to(ScalarType.Float64);
        return net;
    }

    private static Tensor Random(long size, long seed, long columns = 0)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(columns == 0 ? new[] { size } : new[] { size, columns }, ScalarType.Float64, generator: g);
    }

    [Test]
    public void JacobianTimesItsAdjointIsTheLinearKernelXXtPlusOnes([Values(null, 3)] int? chunk)
    {
        using var scope = torch.NewDisposeScope();
        using var net = Linear(6, bias: true);
        var x = Inputs(8, 6, seed: 1).to(ScalarType.Float64);
        using var jacobian = new JacobianOperator(net, x, chunk);
        var ntk = jacobian * jacobian.Adjoint;
        Assert.That((ntk.OutputSize, ntk.InputSize, ntk.IsSelfAdjoint), Is.EqualTo((8L, 8L, true)));
        Assert.That((jacobian.OutputSize, jacobian.InputSize, jacobian.IsSelfAdjoint), Is.EqualTo((8L, 7L, false)));
        TensorAssert.AllClose(ntk.ToDense(), x.mm(x.t()) + 1.0, 1e-10, 1e-12, "J·Jᵀ = XXᵀ + 11ᵀ");
        TensorAssert.AllClose(jacobian.ToDense(), torch.cat(new[] { x, torch.ones(8, 1, ScalarType.Float64) }, 1), 1e-12, 1e-12, "J = [X, 1]");
    }

    [Test]
    public void ScaledAdjointTimesJacobianIsTheLeastSquaresGaussNewtonMatrix()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 10, d = 4;
        using var net = Linear(d, bias: false);
        var x = Inputs(n, d, seed: 2).to(ScalarType.Float64);
        using var jacobian = new JacobianOperator(net, x);
        var expected = x.t().mm(x) * (2.0 / n);
        TensorAssert.AllClose((2.0 / n * (jacobian.Adjoint * jacobian)).ToDense(), expected, 1e-10, 1e-12, "(2/n)·Jᵀ·J = (2/n)XᵀX");
        using var gaussNewton = new GaussNewtonOperator(net, x);
        Assert.That(gaussNewton.IsSelfAdjoint, Is.True);
        TensorAssert.AllClose(gaussNewton.ToDense(), expected, 1e-10, 1e-12, "GaussNewtonOperator");
    }

    [Test]
    public void AdjointIdentityHoldsForTheJacobianOfANonlinearNetwork([Values(null, 2)] int? chunk)
    {
        using var scope = torch.NewDisposeScope();
        using var net = TwoLayer(seed: 5);
        var x = Inputs(5, 4, seed: 3).to(ScalarType.Float64);
        using var jacobian = new JacobianOperator(net, x, chunk);
        Assert.That(jacobian.Adjoint.Adjoint, Is.SameAs(jacobian));
        for (int trial = 0; trial < 3; trial++)
        {
            var v = Random(jacobian.InputSize, 10 + trial);
            var u = Random(jacobian.OutputSize, 20 + trial);
            double left = jacobian.Apply(v).dot(u).ToDouble();
            double right = v.dot(jacobian.Adjoint.Apply(u)).ToDouble();
            Assert.That(left, Is.EqualTo(right).Within(1e-10 * Math.Max(1, Math.Abs(left))), "⟨Jv, u⟩ = ⟨v, Jᵀu⟩");
        }
        // A block is its columns' products.
        var block = Random(jacobian.InputSize, 30, columns: 3);
        TensorAssert.AllClose(jacobian.Apply(block)[.., 1], jacobian.Apply(block[.., 1].contiguous()), 1e-12, 1e-12, "block column");
    }

    [Test]
    public void SumsAndScalingsComposeLikeTheirMatrices()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0, 0.5 }, seed: 1);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0, 4.0 }, seed: 2);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        var combined = opA + (-0.5) * opB;
        Assert.That(combined.IsSelfAdjoint, Is.True);
        Assert.That(combined.HasDenseForm, Is.False, "a composition forms its matrix by products");
        TensorAssert.AllClose(combined.ToDense(), a - 0.5 * b, 1e-12, 1e-12, "A − B/2");
        TensorAssert.AllClose((opA * opB).ToDense(), a.mm(b), 1e-12, 1e-12, "A·B");
        Assert.That((opA * opB).IsSelfAdjoint, Is.False, "A·B of symmetric A, B is not symmetric in general");
        using var eig = LanczosEigensolver.Solve(combined, 1, new LanczosOptions { Mode = EigensolverMode.Dense });
        var (values, _) = EighDescending(a - 0.5 * b);
        Assert.That(eig.SolvedDirectly, Is.True);
        Assert.That(eig.Values[0], Is.EqualTo(values[0]).Within(1e-10));
    }

    [Test]
    public void ShapesAreCheckedAndTheEigensolverNeedsASelfAdjointOperator()
    {
        using var scope = torch.NewDisposeScope();
        using var net = TwoLayer(seed: 1);
        var x = Inputs(3, 4, seed: 4).to(ScalarType.Float64);
        using var jacobian = new JacobianOperator(net, x);
        var ex = Assert.Throws<ArgumentException>(() => _ = jacobian * jacobian);
        Assert.That(ex!.Message, Does.Contain("Cannot compose"));
        Assert.Throws<ArgumentException>(() => _ = jacobian + jacobian.Adjoint);
        Assert.Throws<ArgumentException>(() => jacobian.Apply(torch.ones(jacobian.OutputSize, ScalarType.Float64)));
        Assert.Throws<InvalidOperationException>(() => _ = jacobian.Dimension);
        ex = Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(jacobian, 1));
        Assert.That(ex!.ParamName, Is.EqualTo("op"));
    }

    [Test]
    public void TheSolverModeIsStatedNotGuessed()
    {
        using var scope = torch.NewDisposeScope();
        using var net = TwoLayer(seed: 2);
        var x = Inputs(6, 4, seed: 5).to(ScalarType.Float64);
        using var kernel = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.ExplicitJacobian });
        using var matrixFree = new MatrixFreeNtkOperator(net, x);
        using var auto = LanczosEigensolver.Solve(kernel, 2);
        using var iterative = LanczosEigensolver.Solve(kernel, 2, new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-10 });
        using var dense = LanczosEigensolver.Solve(matrixFree, 2, new LanczosOptions { Mode = EigensolverMode.Dense });
        Assert.That((auto.SolvedDirectly, iterative.SolvedDirectly, dense.SolvedDirectly), Is.EqualTo((true, false, true)));
        Assert.That(iterative.Values, Is.EqualTo(auto.Values).Within(1e-8 * auto.Values[0]));
        Assert.That(dense.Values, Is.EqualTo(auto.Values).Within(1e-8 * auto.Values[0]));
    }

    [Test]
    public void CompositionsDoNotLeakTensors()
    {
        using var net = TwoLayer(seed: 3);
        using var x = Inputs(4, 4, seed: 6).to(ScalarType.Float64);
        void All()
        {
            using var scope = torch.NewDisposeScope();
            using var jacobian = new JacobianOperator(net, x, chunkSize: 3);
            using var v = torch.ones(jacobian.OutputSize, 2, ScalarType.Float64);
            (jacobian * jacobian.Adjoint + 2.0 * (jacobian * jacobian.Adjoint)).Apply(v).Dispose();
            (jacobian.Adjoint * jacobian).ToDense().Dispose();
        }
        TensorAssert.NoLeak(All, All, "composed Jacobian products");
    }
}
