using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// What the critical-rate, Hessian and dense operators promise their callers at the edges: the stated relative residual,
/// the caller's choice not to receive vectors, refusals named by argument, and float32 rounding tolerated in a matrix
/// that is symmetric up to it. Expectations come from the explicit kernel XXᵀ + 11ᵀ of the linear model. Found by
/// mutation testing (round 10B).
/// </summary>
public sealed class CurvatureResultContractTests
{
    [Test]
    public void TheRelativeResidualIsTheResidualOverTheEigenvalue()
    {
        // Inputs scaled by 30 make λ large, so a residual not divided by λ is far off. Three products cannot converge
        // on a kernel of rank 4, so the residual is large enough to compare with one measured on the explicit kernel.
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 5);
        net.to(ScalarType.Float64);
        var x = (Inputs(40, 3, seed: 6) * 30).to(ScalarType.Float64);
        var options = new CriticalLearningRateOptions
        {
            Ntk = new NtkOptions { Method = NtkMethod.MatrixFree },
            Lanczos = new LanczosOptions { Mode = EigensolverMode.Iterative, MaxBasisSize = 3, MaxRestarts = 0 },
        };
        using var eig = CriticalLearningRate.ComputeWithVector(net, x, LossKind.MeanSquaredError, options, null, out var result);
        var k = LinearKernel(x);
        var u = eig.Vectors[.., 0];
        double lambda = eig.Values[0];
        double expected = (k.mv(u) - lambda * u).norm().ToDouble() / lambda;
        Assert.That(expected, Is.GreaterThan(1e-6), "the solve must stop short of convergence for the check to mean anything");
        Assert.That(result.RelativeResidual, Is.EqualTo(expected).Within(1e-6 * Math.Max(1, expected)).Or.EqualTo(expected).Within(1e-3).Percent);
    }

    [Test]
    public void ACallerWhoAsksForNoVectorsGetsNone()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 7);
        var x = Inputs(6, 3, seed: 8);
        var options = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { ComputeVectors = false } };
        using var eig = CriticalLearningRate.ComputeWithVector(net, x, LossKind.MeanSquaredError, options, null, out var result);
        Assert.That(eig.Vectors.shape, Is.EqualTo(new long[] { 6, 0 }));
        var (values, _) = EighDescending(LinearKernel(x));
        Assert.That(result.Sharpness, Is.EqualTo(values[0]).Within(1e-4 * values[0]));
    }

    [Test]
    public void AnInfiniteKernelEigenvalueIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CriticalLearningRate.FromKernelEigenvalue(double.PositiveInfinity, 4));
        Assert.That(ex!.ParamName, Is.EqualTo("lambdaMax"));
        Assert.That(CriticalLearningRate.FromKernelEigenvalue(8, 4), Is.EqualTo(0.5));
    }

    // A zero kernel eigenvalue or an empty batch gives no rate; a batch of one does (mutation round 13A).
    [Test]
    public void AZeroKernelEigenvalueOrAnEmptyBatchIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CriticalLearningRate.FromKernelEigenvalue(0, 4));
        Assert.That(ex!.ParamName, Is.EqualTo("lambdaMax"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => CriticalLearningRate.FromKernelEigenvalue(8, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("batchSize"));
        Assert.That(CriticalLearningRate.FromKernelEigenvalue(8, 1), Is.EqualTo(0.125));
    }

    // A direct solve has no Ritz estimate, so without measured residuals there is no relative residual to report
    // (mutation round 13A).
    [Test]
    public void ADirectSolveWithoutResidualsReportsNoRelativeResidual()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 13);
        var x = Inputs(6, 3, seed: 14);
        var result = CriticalLearningRate.Compute(net, x);
        Assert.That(result.RelativeResidual, Is.Null);
        var (values, _) = EighDescending(LinearKernel(x));
        Assert.That(result.Value, Is.EqualTo(6 / values[0]).Within(1e-4 * 6 / values[0]), "b / λ_max(XXᵀ + 11ᵀ)");
    }

    // A zero kernel (a bias-free linear model on zero inputs: J = X = 0) has no curvature: the rate is infinite, and its
    // residual of 0 relative to an eigenvalue of 0 is no number, so none is reported rather than 0/0 = NaN (mutation
    // round 23A). The iterative solve is the one with a Ritz estimate to divide.
    [Test]
    public void AZeroKernelHasAnInfiniteRateAndNoRelativeResidual()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(3, bias: false, seed: 15);
        var options = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { Mode = EigensolverMode.Iterative } };
        var result = CriticalLearningRate.Compute(net, torch.zeros(5, 3), LossKind.MeanSquaredError, options);
        Assert.That(result.Sharpness, Is.Zero);
        Assert.That(result.Value, Is.EqualTo(double.PositiveInfinity));
        Assert.That(result.RelativeResidual, Is.Null);
    }

    [Test]
    public void TargetsWithAnotherSampleCountAreRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 9);
        var x = Inputs(6, 3, seed: 10);
        var ex = Assert.Throws<ArgumentException>(() => new HessianOperator(net, x, torch.zeros(5, 1), LossKind.MeanSquaredError).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("targets"));
        Assert.That(ex.Message, Does.Contain("(6)"));
    }

    [Test]
    public void AFloat32MatrixSymmetricUpToRoundingIsAccepted()
    {
        // Relative asymmetry 1e-6: float32 rounding of a symmetric computation, within the documented float32 tolerance.
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(new[,] { { 2.0f, 1.0f + 1e-6f }, { 1.0f, 3.0f } });
        Assert.DoesNotThrow(() => new DenseSymmetricOperator(m).Dispose());
        var bad = torch.tensor(new[,] { { 2.0f, 1.001f }, { 1.0f, 3.0f } });
        Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(bad).Dispose());
    }

    // A float64 matrix is held to float64 rounding: a relative asymmetry of 1e-7, within the float32 tolerance, is
    // refused, 1e-12 is accepted (mutation round 13A).
    [Test]
    public void AFloat64MatrixIsHeldToFloat64Rounding()
    {
        using var scope = torch.NewDisposeScope();
        var rounding = torch.tensor(new[,] { { 2.0, 1.0 + 2e-12 }, { 1.0, 3.0 } });
        Assert.DoesNotThrow(() => new DenseSymmetricOperator(rounding).Dispose());
        var bad = torch.tensor(new[,] { { 2.0, 1.0 + 3e-7 }, { 1.0, 3.0 } });
        var ex = Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(bad).Dispose());
        Assert.That(ex!.Message, Does.StartWith("The matrix is not symmetric"));
    }

    // The block of min(outputs, pairs) is only a default: a caller's BlockSize = 1 on a three-output kernel is the solve
    // the eigensolver gives with it, product for product (mutation round 13A).
    [Test]
    public void ACallersBlockSizeOnAMultiOutputKernelIsKept()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(3, 5, seed: 11, bias: true, act: Catapults.ML.Models.ActivationKind.Tanh, outputs: 3);
        var x = Inputs(30, 3, seed: 12);
        using var op = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.ExplicitJacobian });
        var single = new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-6, BlockSize = 1 };
        using var byCaller = op.TopEigenpairs(2, single);
        using var direct = LanczosEigensolver.Solve(op, 2, single);
        var two = single.Clone();
        two.BlockSize = 2;
        using var blockTwo = LanczosEigensolver.Solve(op, 2, two);
        Assert.That(blockTwo.OperatorApplications, Is.Not.EqualTo(direct.OperatorApplications), "the case must tell the block sizes apart");
        Assert.That(byCaller.OperatorApplications, Is.EqualTo(direct.OperatorApplications));
        Assert.That(byCaller.Values, Is.EqualTo(direct.Values));
    }

    [Test]
    public void AMultiOutputKernelIsSolvedWithBlocksOfTheSmallerOfOutputsAndPairs()
    {
        // Three outputs, two pairs: the documented default block is min(3, 2) = 2, so the solve is the one the solver
        // gives when told BlockSize = 2 (same seed, same products), not the one with blocks of 3.
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(3, 5, seed: 11, bias: true, act: Catapults.ML.Models.ActivationKind.Tanh, outputs: 3);
        var x = Inputs(30, 3, seed: 12);
        using var op = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.ExplicitJacobian });
        var iterative = new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-6 };
        using var byDefault = op.TopEigenpairs(2, iterative);
        var two = iterative.Clone();
        two.BlockSize = 2;
        var three = iterative.Clone();
        three.BlockSize = 3;
        using var blockTwo = LanczosEigensolver.Solve(op, 2, two);
        using var blockThree = LanczosEigensolver.Solve(op, 2, three);
        Assume.That(blockThree.OperatorApplications, Is.Not.EqualTo(blockTwo.OperatorApplications));
        Assert.That(byDefault.OperatorApplications, Is.EqualTo(blockTwo.OperatorApplications));
        var (values, _) = EighDescending(op.Kernel!);
        Assert.That(byDefault.Values, Is.EqualTo(values.Take(2).ToArray()).Within(1e-4 * values[0]));
    }
}
