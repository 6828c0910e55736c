using Catapults.ML.Spectra;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The eigensolver at the edges of its arguments: zero pairs, as many pairs as the dimension, a dense threshold equal to
/// the dimension, start vectors that are not floating point, and the bookkeeping it reports. Expectations come from
/// torch.linalg.eigh on the explicit matrix or from counting the products by hand. Found by mutation testing (round 10B).
/// </summary>
public sealed class LanczosEigensolverEdgeTests
{
    [Test]
    public void AskingForNoEigenpairsIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5 }, seed: 1));
        foreach (var mode in new[] { EigensolverMode.Dense, EigensolverMode.Iterative })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LanczosEigensolver.Solve(op, 0, new LanczosOptions { Mode = mode }));
            Assert.That(ex!.ParamName, Is.EqualTo("count"));
        }
    }

    // Residuals asked for without vectors: both paths compute them (they need the vectors) and then drop the vectors.
    // The direct path used to skip them silently (found by mutation testing, round 13A).
    [TestCase(EigensolverMode.Dense)]
    [TestCase(EigensolverMode.Iterative)]
    public void ResidualsWithoutVectorsAreComputedOnEitherPath(EigensolverMode mode)
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5, 0.2 }, seed: 9));
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = mode, ComputeVectors = false, ComputeResiduals = true, Tolerance = 1e-10 });
        Assert.That(eig.SolvedDirectly, Is.EqualTo(mode == EigensolverMode.Dense));
        Assert.That(eig.Values, Is.EqualTo(new[] { 3.0, 2 }).Within(1e-8));
        Assert.That(eig.Vectors.shape, Is.EqualTo(new long[] { 5, 0 }), "no vectors returned");
        Assert.That(eig.Residuals, Is.Not.Null.And.Length.EqualTo(2));
        Assert.That(eig.Residuals, Has.All.LessThan(1e-7));
        Assert.That(eig.Converged, Is.True);
    }

    [Test]
    public void AsManyPairsAsTheDimensionIsTheWholeSpectrumIteratively()
    {
        using var scope = torch.NewDisposeScope();
        var values = new[] { 4.0, -3, 2.5, 1, -0.5, 0.25, 0.1 };
        var a = WithSpectrum(values, seed: 2);
        using var op = new DenseSymmetricOperator(a);
        using var eig = LanczosEigensolver.Solve(op, values.Length, new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-12 });
        Assert.That(eig.SolvedDirectly, Is.False);
        Assert.That(eig.Values, Is.EqualTo(values.OrderByDescending(v => v).ToArray()).Within(1e-9));
        // Orthonormal eigenvectors: XᵀAX is the diagonal of the values.
        var x = eig.Vectors;
        var projected = x.t().mm(a).mm(x);
        var expected = torch.diag(torch.tensor(eig.Values, ScalarType.Float64));
        Assert.That((projected - expected).abs().max().ToDouble(), Is.LessThan(1e-8));
    }

    [Test]
    public void ADimensionEqualToTheDenseThresholdIsSolvedDirectly()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5, 0.2 }, seed: 3));
        Assert.That(LanczosEigensolver.SolvesDirectly(op, new LanczosOptions { DenseThreshold = 5 }), Is.True);
        Assert.That(LanczosEigensolver.SolvesDirectly(op, new LanczosOptions { DenseThreshold = 4 }), Is.False);
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { DenseThreshold = 5 });
        Assert.That(eig.SolvedDirectly, Is.True);
        Assert.That(eig.Values[0], Is.EqualTo(3.0).Within(1e-12));
    }

    [Test]
    public void IntegerStartVectorsAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5 }, seed: 4));
        var ex = Assert.Throws<ArgumentException>(() =>
            LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Iterative }, torch.ones(4, ScalarType.Int64)));
        Assert.That(ex!.Message, Does.Contain("floating point"));
    }

    [Test]
    public void TheNormEstimateOfAnEigenvaluesOnlyDenseSolveIsTheLargestMagnitude()
    {
        // The most negative eigenvalue dominates: ‖A‖₂ = 7, while the largest algebraic value is 2.
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { -7.0, 2, 1, 0.5 }, seed: 5));
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Dense, ComputeVectors = false });
        Assert.That(eig.Values[0], Is.EqualTo(2.0).Within(1e-12));
        Assert.That(eig.NormEstimate, Is.EqualTo(7.0).Within(1e-12));
        Assert.That(eig.Vectors.shape, Is.EqualTo(new long[] { 4, 0 }));
    }

    [Test]
    public void ResidualProductsAreCountedAmongTheApplications()
    {
        using var scope = torch.NewDisposeScope();
        using var inner = new DenseSymmetricOperator(WithSpectrum(new[] { 5.0, 3, 1, 0.5, 0.25, 0.1, 0.05, 0.01 }, seed: 6));
        var counting = new CountingOperator(inner);
        using var eig = LanczosEigensolver.Solve(counting, 2, new LanczosOptions { Mode = EigensolverMode.Iterative, ComputeResiduals = true, Tolerance = 1e-10 });
        Assert.That(eig.Residuals, Is.Not.Null);
        Assert.That(eig.OperatorApplications, Is.EqualTo(counting.Columns));
    }

    [Test]
    public void ADenseSolveJudgesTrueResidualsByTheResidualTolerance()
    {
        // Asymmetry of 3e-5 leaves true residuals near 5e-6 of ‖A‖: above the default Tolerance (1e-6), within the
        // default ResidualTolerance (1e-4), which is the one the documentation says judges them.
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(new[,] { { 3.0, 3e-5, 0 }, { 0, 2.0, 0 }, { 0, 0, 1.0 } });
        var op = new ClaimedSymmetricOperator(m);
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Dense, ComputeResiduals = true });
        double relative = eig.Residuals![0] / eig.NormEstimate;
        Assert.That(relative, Is.GreaterThan(1e-6).And.LessThan(1e-4));
        Assert.That(eig.Converged, Is.True);
    }

    // |θ| ties between +2 and −2 go to the positive one, on both paths (mutation round 13A).
    [Test]
    public void ALargestMagnitudeTieGoesToThePositiveEigenvalue()
    {
        using var scope = torch.NewDisposeScope();
        // A diagonal matrix, so that LAPACK returns ±2 exactly and the tie is a true tie.
        using var op = new DenseSymmetricOperator(torch.diag(torch.tensor(new[] { -2.0, 2, 1, 0.5 })));
        foreach (var vectors in new[] { true, false })
        {
            using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Dense, Which = SpectrumEnd.LargestMagnitude, ComputeVectors = vectors });
            Assert.That(eig.Values[0], Is.EqualTo(2.0), vectors ? "with vectors" : "eigenvalues only");
        }
        using var both = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = EigensolverMode.Dense, Which = SpectrumEnd.LargestMagnitude });
        Assert.That(both.Values, Is.EqualTo(new[] { 2.0, -2.0 }));
    }

    // A zero operator has no norm to divide by: its residuals of 0 are reported as relative residuals of 0, not 0/0
    // (mutation round 13A).
    [Test]
    public void TheRelativeResidualsOfAZeroOperatorAreZero()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.zeros(3, 3, ScalarType.Float64));
        using var eig = LanczosEigensolver.Solve(op, 2);
        Assert.That(eig.SolvedDirectly, Is.True);
        Assert.That(eig.NormEstimate, Is.Zero);
        Assert.That(eig.RelativeResiduals, Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(eig.MaxRelativeResidual, Is.Zero);
        Assert.That(eig.Converged, Is.True);
    }

    private sealed class ClaimedSymmetricOperator(Tensor m) : LinearOperator(m.shape[0], m.shape[1], m.device, m.dtype)
    {
        public override bool IsSelfAdjoint => true;
        protected override Tensor MatMat(Tensor block) => m.mm(block);
    }

    private sealed class CountingOperator(LinearOperator inner) : LinearOperator(inner.OutputSize, inner.InputSize, inner.Device, inner.WorkingType)
    {
        public int Columns { get; private set; }
        public override bool IsSelfAdjoint => true;
        protected override Tensor MatMat(Tensor block)
        {
            Columns += (int)block.shape[1];
            return inner.Apply(block);
        }
    }
}
