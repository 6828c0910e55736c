using Catapults.ML.Runtime;

namespace Catapults.ML.Features;

/// <summary>
/// Functions of symmetric positive semidefinite matrices (AGOPs), computed in float64 through the symmetric
/// eigendecomposition. Every function accepts one matrix [d, d] or a stack [..., d, d] and returns float64 tensors that
/// join the caller's dispose scope.
/// </summary>
public static class SymmetricMatrices
{
    /// <summary>
    /// Relative asymmetry ‖A − Aᵀ‖_F / ‖A‖_F above which a matrix is rejected as not symmetric. AGOPs accumulated in
    /// float32 are symmetric to about 1e-7; this leaves room for user-supplied matrices rounded to a few digits.
    /// </summary>
    public const double SymmetryTolerance = 1e-4;

    /// <summary>
    /// Checks that <paramref name="matrix"/> is a finite, floating, square (stack of) matrix, symmetric within
    /// <see cref="SymmetryTolerance"/>, and returns its float64 symmetrised copy ½(A + Aᵀ).
    /// </summary>
    /// <param name="matrix">[d, d] or [..., d, d].</param>
    /// <param name="what">Name used in error messages, e.g. "reference AGOP".</param>
    /// <param name="parameterName">The caller's parameter that holds the matrix, named by the exceptions; <c>matrix</c> when null.</param>
    public static Tensor CheckedSymmetric(Tensor matrix, string what, string? parameterName = null)
    {
        string name = parameterName ?? nameof(matrix);
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.dim() < 2 || matrix.shape[^1] != matrix.shape[^2])
            throw new ArgumentException($"The {what} must be a square matrix [d, d] (or a stack [..., d, d]), got [{string.Join(", ", matrix.shape)}].", name);
        if (!matrix.is_floating_point())
            throw new ArgumentException($"The {what} must be a floating-point tensor, got {matrix.dtype}.", name);
        using var scope = torch.NewDisposeScope();
        var a = matrix.detach().to_type(ScalarType.Float64);
        if (!a.isfinite().all().ReadBoolean())
            throw new ArgumentException($"The {what} has non-finite entries.", name);
        var at = a.transpose(-1, -2);
        // Measured on A / max|A|: the norms of entries near 1e300 overflow to ∞, and ∞ > tol·∞ would pass any matrix.
        double largest = a.abs().max().ReadDouble();
        var unit = largest > 0 ? KeptScalars.DividedBy(a, largest) : a;
        double norm = unit.norm().ReadDouble();
        double asym = (unit - unit.transpose(-1, -2)).norm().ReadDouble();
        if (asym > SymmetryTolerance * norm)
            throw new ArgumentException(
                $"The {what} is not symmetric: ‖A − Aᵀ‖/‖A‖ = {asym / norm:G3} exceeds {SymmetryTolerance:G1}.", name);
        return KeptScalars.HalfSum(a, at).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Eigenvalues (descending) and eigenvectors (as columns, in the same order) of a symmetric matrix, in float64.
    /// Each eigenvector's sign is fixed so that its largest-magnitude entry is positive, which makes the result
    /// reproducible across runs and platforms.
    /// </summary>
    /// <param name="matrix">A symmetric [d, d] matrix (checked).</param>
    public static (Tensor Values, Tensor Vectors) Eigen(Tensor matrix)
    {
        using var scope = torch.NewDisposeScope();
        var a = CheckedSymmetric(matrix, "matrix");
        if (a.dim() != 2) throw new ArgumentException($"Eigen takes one matrix [d, d], got [{string.Join(", ", a.shape)}].", nameof(matrix));
        var (values, vectors) = torch.linalg.eigh(a);
        // eigh returns ascending order; the callers want the dominant directions first.
        values = values.flip(0);
        vectors = vectors.flip(1);
        var pivot = vectors.abs().argmax(0, keepdim: true);
        var signs = vectors.gather(0, pivot).sign();
        signs = torch.where(KeptScalars.EqualTo(signs, 0), torch.ones_like(signs), signs);
        vectors = vectors * signs;
        return (values.MoveToOuterDisposeScope(), vectors.MoveToOuterDisposeScope());
    }

    // float32's unit roundoff ε, 2⁻²³.
    private const double Float32Epsilon = 1.0 / (1 << 23);

    /// <summary>
    /// A^p = V max(Λ, 0)^p Vᵀ for a symmetric positive semidefinite A (or a stack of them). Eigenvalues below zero
    /// come only from rounding in a PSD matrix and are set to zero first, so fractional powers stay real. For p &lt; 1,
    /// eigenvalues below d · ε₃₂ · λ_max (ε₃₂ = 2⁻²³, float32's rounding, in which gradients and hence AGOPs are
    /// computed; the rank tolerance numpy's matrix_rank uses, in that precision) are zero as well: the null space of a
    /// rank-deficient AGOP holds rounding noise of about 1e-8 · λ_max, which a square root would lift to about
    /// 1e-4 · √λ_max per direction.
    /// </summary>
    /// <param name="matrix">[d, d] or [..., d, d], symmetric (checked).</param>
    /// <param name="exponent">p &gt; 0; p = 1 returns the symmetrised float64 copy.</param>
    public static Tensor Power(Tensor matrix, double exponent)
    {
        if (!double.IsFinite(exponent) || exponent <= 0)
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The matrix power must be finite and positive (e.g. 0.5 for G^½).");
        using var scope = torch.NewDisposeScope();
        var a = CheckedSymmetric(matrix, "matrix");
        if (exponent == 1.0) return a.MoveToOuterDisposeScope();
        var (values, vectors) = torch.linalg.eigh(a);
        var powered = PoweredEigenvalues(values, exponent);
        var result = torch.matmul(vectors * powered.unsqueeze(-2), vectors.transpose(-1, -2));
        result = KeptScalars.HalfSum(result, result.transpose(-1, -2));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// max(λ, 0)^p for the eigenvalues λ [..., d] of symmetric positive semidefinite matrices, with those at or below
    /// d · ε₃₂ · λ_max set to zero first when p &lt; 1 (see <see cref="Power"/>): the one rule every matrix power of the
    /// library (<see cref="Power"/>, <see cref="AgopFeatureMap"/>, <see cref="AgopAlignment"/>) applies. Exact small
    /// eigenvalues below that floor (a float64 reference built with them) count as zero too, for p &lt; 1.
    /// </summary>
    public static Tensor PoweredEigenvalues(Tensor values, double exponent)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = torch.NewDisposeScope();
        var kept = KeptScalars.ClampedBelow(values, 0);
        if (exponent < 1.0)
        {
            var floor = KeptScalars.Times(kept.amax(new long[] { -1 }, keepdim: true), values.shape[^1] * Float32Epsilon);
            kept = torch.where(kept.le(floor), torch.zeros_like(kept), kept);
        }
        return KeptScalars.Power(kept, exponent).MoveToOuterDisposeScope();
    }

    /// <summary>A / tr(A) for each matrix of a stack; throws when a trace is not positive.</summary>
    /// <param name="matrix">[d, d] or [..., d, d].</param>
    /// <param name="what">Name used in error messages.</param>
    public static Tensor NormalizeTrace(Tensor matrix, string what = "matrix")
    {
        using var scope = torch.NewDisposeScope();
        var a = matrix.to_type(ScalarType.Float64);
        var trace = a.diagonal(0, -2, -1).sum(-1);
        if (!KeptScalars.GreaterThan(trace, 0).all().ReadBoolean())
            throw new InvalidOperationException(
                $"Cannot normalise the {what} by its trace: a trace is {trace.min().ReadDouble():G4}, not positive " +
                "(a model whose outputs do not depend on its inputs has a zero AGOP, and a centred AGOP is zero where the input " +
                "gradient is the same for every sample, as for a linear model).");
        return (a / trace.unsqueeze(-1).unsqueeze(-1)).MoveToOuterDisposeScope();
    }
}
