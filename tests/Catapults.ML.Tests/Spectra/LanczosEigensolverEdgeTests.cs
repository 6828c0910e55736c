using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
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

    // The eigenvalues-only dense solve (LAPACK's eigvalsh, no vectors, no residuals) picks the requested end, not the
    // largest values whatever was asked (mutation round 17A). The spectrum is the closed form: {−7, −3, 0.5, 1, 5}.
    [TestCase(SpectrumEnd.LargestAlgebraic, new[] { 5.0, 1 })]
    [TestCase(SpectrumEnd.SmallestAlgebraic, new[] { -7.0, -3 })]
    [TestCase(SpectrumEnd.LargestMagnitude, new[] { -7.0, 5 })]
    public void AnEigenvaluesOnlyDenseSolveTakesTheRequestedEnd(SpectrumEnd which, double[] expected)
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { -7.0, 5, 1, 0.5, -3 }, seed: 10));
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = EigensolverMode.Dense, Which = which, ComputeVectors = false });
        Assert.That(eig.SolvedDirectly, Is.True);
        Assert.That(eig.Vectors.shape, Is.EqualTo(new long[] { 5, 0 }), "the eigenvalues-only path");
        Assert.That(eig.Values, Is.EqualTo(expected).Within(1e-12));
    }

    // An iterative solve's norm estimate is the largest |Ritz value|, not the largest Ritz value: here the top of the
    // spectrum is 2 and ‖A‖₂ = 7 (mutation round 17A). A basis of the whole 6-dimensional space makes the Ritz values exact.
    [Test]
    public void TheNormEstimateOfAnIterativeSolveIsTheLargestMagnitude()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { -7.0, 2, 1, 0.5, 0.25, 0.1 }, seed: 11));
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-12 });
        Assert.That(eig.SolvedDirectly, Is.False);
        Assert.That(eig.Values[0], Is.EqualTo(2.0).Within(1e-10));
        Assert.That(eig.NormEstimate, Is.EqualTo(7.0).Within(1e-9));
    }

    // The true residuals of an iterative solve are judged by ResidualTolerance, as documented, not by Tolerance: a loose
    // Tolerance stops the iteration early, and a tight ResidualTolerance then reports the pairs as not converged
    // (mutation round 17A). The residuals are recomputed here from the matrix.
    [Test]
    public void AnIterativeSolveJudgesTrueResidualsByTheResidualTolerance()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(12);
        var values = Enumerable.Range(0, 196).Select(_ => rng.NextDouble()).Concat(new[] { 3.0, 2.5, 2.2, 2.0 }).ToArray();
        var a = WithSpectrum(values, seed: 12);
        using var op = new DenseSymmetricOperator(a);
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions
            { Mode = EigensolverMode.Iterative, Tolerance = 1e-3, ResidualTolerance = 1e-12, ComputeResiduals = true });
        double worst = Enumerable.Range(0, 2).Max(j =>
        {
            var v = eig.Vectors[.., j];
            return (a.mv(v) - v * eig.Values[j]).norm().ToDouble() / eig.NormEstimate;
        });
        Assert.That(worst, Is.GreaterThan(1e-12).And.LessThanOrEqualTo(1e-3), "between the two tolerances");
        Assert.That(eig.Converged, Is.False, $"true relative residual {worst:G3} is above ResidualTolerance");
    }

    // A solve that does not converge and is told to throw says what it tried, with the sizes the caller can check, and
    // releases its eigenvectors before throwing (mutation round 17A). A basis of 6 vectors and no restart: 6 products.
    [Test]
    public void TheNotConvergedExceptionStatesTheProblemAndLeaksNothing()
    {
        using var a = WithSpectrum(Enumerable.Range(0, 40).Select(i => 1.0 + i).ToArray(), seed: 13);
        using var op = new DenseSymmetricOperator(a);
        var options = new LanczosOptions { Mode = EigensolverMode.Iterative, MaxBasisSize = 6, MaxRestarts = 0, Tolerance = 1e-12, ThrowIfNotConverged = true };
        var ex = Assert.Throws<EigensolverNotConvergedException>(() => LanczosEigensolver.Solve(op, 2, options));
        Assert.That(ex!.Message, Does.StartWith("Lanczos did not converge for 2 eigenpairs of a 40-dimensional operator after 0 restarts and 6 products"));
        Assert.That(ex.Message, Does.Contain("tolerance 1E-12, residual tolerance 0.0001"));
        void Throwing() => Assert.Throws<EigensolverNotConvergedException>(() => LanczosEigensolver.Solve(op, 2, options));
        TensorAssert.NoLeak(Throwing, Throwing, "a solve that throws");
    }

    // Start vectors are [n] or [n, j]: a [n, 1, 1] tensor is refused with the shapes, not passed to libtorch's matrix
    // products (mutation round 17A).
    [Test]
    public void AStartOfThreeDimensionsIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5 }, seed: 14));
        var ex = Assert.Throws<ArgumentException>(() =>
            LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Iterative }, torch.ones(4, 1, 1, ScalarType.Float64)));
        Assert.That(ex!.Message, Does.StartWith("Start vectors must be [4] or [4, j], got [4, 1, 1]."));
    }

    // Found in mutation round 17A: the start-vector errors name the parameter "start", an internal name; the caller's
    // parameter is Solve's startVectors.
    [Test]
    public void StartVectorErrorsNameTheCallersParameter()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(WithSpectrum(new[] { 3.0, 2, 1, 0.5 }, seed: 15));
        var options = new LanczosOptions { Mode = EigensolverMode.Iterative };
        var wrongLength = Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(op, 1, options, torch.ones(3, ScalarType.Float64)));
        Assert.That(wrongLength!.ParamName, Is.EqualTo("startVectors"));
        var nonFinite = torch.ones(4, ScalarType.Float64);
        nonFinite[1] = double.NaN;
        var notFinite = Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(op, 1, options, nonFinite));
        Assert.That(notFinite!.ParamName, Is.EqualTo("startVectors"));
    }

    // MaxRelativeResidual is the largest of the pairs' relative residuals, not any one of them (mutation round 17A): a
    // solve cut short after 6 products leaves the two wanted pairs at different residuals, recomputed here from the matrix.
    [Test]
    public void TheMaxRelativeResidualIsTheLargestPairs()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(Enumerable.Range(0, 40).Select(i => 1.0 + i).ToArray(), seed: 16);
        using var op = new DenseSymmetricOperator(a);
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = EigensolverMode.Iterative, MaxBasisSize = 6, MaxRestarts = 0 });
        Assert.That(eig.Converged, Is.False);
        var relative = Enumerable.Range(0, 2).Select(j =>
        {
            var v = eig.Vectors[.., j];
            return (a.mv(v) - v * eig.Values[j]).norm().ToDouble() / eig.NormEstimate;
        }).ToArray();
        Assert.That(Math.Abs(relative[0] - relative[1]), Is.GreaterThan(1e-3 * relative.Max()), "the pairs' residuals differ");
        Assert.That(eig.MaxRelativeResidual, Is.EqualTo(relative.Max()).Within(1e-9 * relative.Max()));
    }

    // ComputeResiduals adds a check to the iteration's verdict; it does not replace it: pairs cut short above Tolerance
    // stay unconverged although their true residuals meet a loose ResidualTolerance (mutation round 23A). A basis of 6
    // vectors and no restart cannot reach 1e-12 on 40 well-spread eigenvalues.
    [Test]
    public void AResidualCheckDoesNotConvergeAnIterationCutShort()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(Enumerable.Range(0, 40).Select(i => 1.0 + i).ToArray(), seed: 17);
        using var op = new DenseSymmetricOperator(a);
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions
            { Mode = EigensolverMode.Iterative, MaxBasisSize = 6, MaxRestarts = 0, Tolerance = 1e-12, ComputeResiduals = true, ResidualTolerance = 10 });
        double worst = Enumerable.Range(0, 2).Max(j =>
        {
            var v = eig.Vectors[.., j];
            return (a.mv(v) - v * eig.Values[j]).norm().ToDouble() / eig.NormEstimate;
        });
        Assert.That(worst, Is.GreaterThan(1e-12).And.LessThan(10), "above Tolerance, within ResidualTolerance");
        Assert.That(eig.Residuals, Is.Not.Null.And.Length.EqualTo(2));
        Assert.That(eig.Converged, Is.False);
    }

    // A block wider than the space is cut to the dimension: the solve returns the spectrum's top rather than looking
    // for more orthonormal start vectors than the space holds (mutation round 23A: without the cut it never returned,
    // so the solve runs on a task that the test can give up on).
    [Test]
    public void ABlockWiderThanTheSpaceIsCutToTheDimension()
    {
        using var a = WithSpectrum(new[] { 4.0, -3, 2, 1 }, seed: 18);
        using var op = new DenseSymmetricOperator(a);
        var solve = Task.Run(() =>
        {
            using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = EigensolverMode.Iterative, BlockSize = 10, Tolerance = 1e-12 });
            return (eig.Values, eig.Converged, eig.SolvedDirectly);
        });
        Assert.That(solve.Wait(TimeSpan.FromSeconds(60)), Is.True, "the solve returned");
        Assert.That(solve.Result.SolvedDirectly, Is.False);
        Assert.That(solve.Result.Converged, Is.True);
        Assert.That(solve.Result.Values, Is.EqualTo(new[] { 4.0, 2 }).Within(1e-10));
    }

    // Eigenvalues eight decades apart make each product almost entirely a multiple of the directions already found, so
    // one Gram–Schmidt pass cancels all but about 1e-8 of it and leaves the remainder far from orthogonal; the second
    // pass is what keeps the basis orthonormal (mutation round 23A: without it the solve spent all 50 restarts and
    // returned eigenvectors that were not orthogonal). The eigenvalues are the closed form the matrix was built from.
    [Test]
    public void TheSecondGramSchmidtPassKeepsTheBasisOrthonormalUnderHeavyCancellation()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(19);
        var values = Enumerable.Range(0, 196).Select(_ => rng.NextDouble()).Concat(new[] { 1e8, 1e6, 1e4, 100 }).ToArray();
        var a = WithSpectrum(values, seed: 19);
        using var op = new DenseSymmetricOperator(a);
        using var eig = LanczosEigensolver.Solve(op, 4, new LanczosOptions { Mode = EigensolverMode.Iterative, Tolerance = 1e-15 });
        Assert.That(eig.Converged, Is.True);
        Assert.That(eig.Restarts, Is.Zero, "a handful of products reaches the four separated eigenvalues");
        var expected = new[] { 1e8, 1e6, 1e4, 100 };
        for (int i = 0; i < 4; i++)
            Assert.That(eig.Values[i], Is.EqualTo(expected[i]).Within(1e-12 * 1e8), $"eigenvalue {i}");
        var gram = eig.Vectors.t().mm(eig.Vectors);
        Assert.That((gram - torch.eye(4, dtype: ScalarType.Float64)).abs().max().ToDouble(), Is.LessThan(1e-12), "orthonormal eigenvectors");
    }

    // A zero column in a warm start (an eigenvector slot not yet filled) is left out of the fold, not divided by its
    // zero norm: the top eigenvector beside it still starts the solve, which then needs a handful of products instead
    // of a cold start's dozens (mutation round 23A: 0/0 turned the folded start into NaN, and it was replaced by a
    // random vector). The operator is diagonal, so e₁ is exactly its top eigenvector.
    [Test]
    public void AZeroWarmStartColumnDoesNotSpoilTheOthers()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(20);
        var values = new[] { 10.0 }.Concat(Enumerable.Range(0, 299).Select(_ => 9 * rng.NextDouble())).ToArray();
        using var op = new DenseSymmetricOperator(torch.diag(torch.tensor(values, ScalarType.Float64)));
        var start = torch.zeros(300, 2, dtype: ScalarType.Float64);
        start[0, 0] = 1;
        var options = new LanczosOptions { Mode = EigensolverMode.Iterative, BlockSize = 1 };
        using var warm = LanczosEigensolver.Solve(op, 1, options, start);
        using var cold = LanczosEigensolver.Solve(op, 1, options);
        Assert.That(warm.Values[0], Is.EqualTo(10.0).Within(1e-12));
        Assert.That(warm.Converged, Is.True);
        Assert.That(warm.OperatorApplications, Is.LessThanOrEqualTo(4), "e₁, then one direction beyond the two warm-start columns");
        Assert.That(cold.OperatorApplications, Is.GreaterThan(10), "the case tells a warm start from a cold one");
    }

    // Once the basis spans the whole space its Ritz pairs are as good as they will get: a solve that has not converged
    // then (here an operator that claims symmetry and is not) stops after n products instead of restarting on the same
    // space until MaxRestarts is spent (mutation round 23A).
    [Test]
    public void ABasisSpanningTheWholeSpaceEndsTheSolve()
    {
        using var scope = torch.NewDisposeScope();
        var m = WithSpectrum(new[] { 5.0, 3, 2, 1, 0.5, 0.25 }, seed: 21);
        m[0, 1] += 0.1;
        var op = new ClaimedSymmetricOperator(m);
        using var eig = LanczosEigensolver.Solve(op, 2, new LanczosOptions { Mode = EigensolverMode.Iterative, MaxRestarts = 50 });
        Assert.That(eig.Converged, Is.False, "the asymmetry of 0.1 keeps the residuals above the tolerance");
        Assert.That(eig.Restarts, Is.Zero);
        Assert.That(eig.OperatorApplications, Is.EqualTo(6));
    }

    // An iterative solve of an operator with a NaN entry says so after the product that met it, as the dense solve
    // does, instead of handing NaN to the projected eigenproblem (mutation round 23A).
    [Test]
    public void AnIterativeSolveOfANonFiniteOperatorSaysSo()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 2, 1, 0.5, 0.25 }, seed: 22);
        a[2, 2] = double.NaN;
        using var op = new DenseSymmetricOperator(a, checkSymmetry: false);
        var ex = Assert.Throws<InvalidOperationException>(() => LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Iterative }));
        Assert.That(ex!.Message, Does.StartWith("The operator DenseSymmetricOperator returned non-finite values (after 1 products)"));
    }

    // When the true residuals were measured, the relative residuals are those, not the Ritz estimates (all zeros on the
    // dense path): an operator that claims symmetry and is not leaves a residual of about 1e-5 of its norm, recomputed
    // here from the matrix (mutation round 32A).
    [Test]
    public void RelativeResidualsAreTheMeasuredOnesWhenResidualsWereComputed()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(new[,] { { 3.0, 3e-5, 0 }, { 0, 2.0, 0 }, { 0, 0, 1.0 } });
        var op = new ClaimedSymmetricOperator(m);
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Dense, ComputeResiduals = true });
        var x = eig.Vectors[.., 0];
        double expected = (m.mv(x) - x * eig.Values[0]).norm().ToDouble() / 3.0;
        Assert.That(expected, Is.GreaterThan(1e-7), "the case has a residual to report");
        Assert.That(eig.ResidualEstimates, Has.All.EqualTo(0.0), "a direct solve has no Ritz estimate");
        Assert.That(eig.RelativeResiduals[0], Is.EqualTo(expected).Within(1e-3).Percent);
        Assert.That(eig.MaxRelativeResidual, Is.EqualTo(expected).Within(1e-3).Percent);
    }

    // 200 evenly spread eigenvalues cannot meet 1e-15 in a few dozen products, so a solve without restarts fills its
    // basis exactly: 60 vectors by default, 2k + 4p when that is larger (k = 40: 84), as LanczosOptions.MaxBasisSize
    // states (mutation round 32A: a default of 50 passed every test).
    [TestCase(1, 60)]
    [TestCase(40, 84)]
    public void TheDefaultBasisIsSixtyVectorsOrTwoKPlusFourP(int k, int products)
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.diag(torch.arange(1.0, 201.0, dtype: ScalarType.Float64)));
        using var eig = LanczosEigensolver.Solve(op, k, new LanczosOptions { Mode = EigensolverMode.Iterative, MaxRestarts = 0, Tolerance = 1e-15, ComputeVectors = false });
        Assert.That(eig.Converged, Is.False);
        Assert.That(eig.Restarts, Is.Zero);
        Assert.That(eig.OperatorApplications, Is.EqualTo(products));
    }

    // A MaxBasisSize below k + 2p (k + 2p + 2 for the largest magnitudes) is raised to it, as documented: with a basis
    // of 2 and no restart, one pair takes 3 products single-vector, 5 with blocks of two, and 5 for the largest
    // magnitudes (mutation round 32A: raising to k + p passed every test).
    [TestCase(SpectrumEnd.LargestAlgebraic, 1, 3)]
    [TestCase(SpectrumEnd.LargestAlgebraic, 2, 5)]
    [TestCase(SpectrumEnd.LargestMagnitude, 1, 5)]
    public void ABasisBelowKPlusTwoBlocksIsRaisedToIt(SpectrumEnd which, int blockSize, int products)
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.diag(torch.arange(1.0, 201.0, dtype: ScalarType.Float64)));
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions
            { Mode = EigensolverMode.Iterative, Which = which, BlockSize = blockSize, MaxBasisSize = 2, MaxRestarts = 0, Tolerance = 1e-15 });
        Assert.That(eig.Converged, Is.False);
        Assert.That(eig.OperatorApplications, Is.EqualTo(products));
    }

    // A warm start of fewer columns than the block fills the block's other vectors at random: a block of three started
    // from the top eigenvector e₁ of a diagonal operator alone finds its eigenvalue (mutation round 32A: folding columns
    // into every block vector asked libtorch for a range running backwards).
    [Test]
    public void AWarmStartNarrowerThanTheBlockIsCompletedAtRandom()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(23);
        var values = new[] { 10.0 }.Concat(Enumerable.Range(0, 99).Select(_ => 9 * rng.NextDouble())).ToArray();
        using var op = new DenseSymmetricOperator(torch.diag(torch.tensor(values, ScalarType.Float64)));
        var start = torch.zeros(100, dtype: ScalarType.Float64);
        start[0] = 1;
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions { Mode = EigensolverMode.Iterative, BlockSize = 3 }, start);
        Assert.That(eig.Converged, Is.True);
        Assert.That(eig.Values[0], Is.EqualTo(10.0).Within(1e-12));
    }

    // The norm estimate is the largest |Ritz value| seen, restarts included: a solve for the smallest eigenvalue started
    // from the top eigenvector e₁ of diag(200, 100 … 190) sees θ = 200 exactly at its first product; the restarts keep
    // only the smallest Ritz vectors, and the spaces after them see no more than about 190, so ‖A‖ = 200 is still what
    // the tolerances refer to (mutation round 32A: the estimate of the last cycle alone passed every test).
    [Test]
    public void TheNormEstimateKeepsTheLargestRitzValueAcrossRestarts()
    {
        using var scope = torch.NewDisposeScope();
        var values = new[] { 200.0 }.Concat(Enumerable.Range(0, 99).Select(i => 100 + 90.0 * i / 98)).ToArray();
        using var op = new DenseSymmetricOperator(torch.diag(torch.tensor(values, ScalarType.Float64)));
        var start = torch.zeros(100, dtype: ScalarType.Float64);
        start[0] = 1;
        using var eig = LanczosEigensolver.Solve(op, 1, new LanczosOptions
            { Mode = EigensolverMode.Iterative, Which = SpectrumEnd.SmallestAlgebraic, BlockSize = 1, MaxBasisSize = 6, MaxRestarts = 2, Tolerance = 1e-12 }, start);
        Assert.That(eig.Restarts, Is.EqualTo(2));
        Assert.That(eig.NormEstimate, Is.EqualTo(200.0).Within(1e-9 * 200));
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
