using Catapults.ML.Runtime;

namespace Catapults.ML.Subspaces;

/// <summary>
/// Projections onto a k-dimensional subspace of parameter space spanned by the orthonormal columns of a basis
/// U [P, k]: P_k Δ = U Uᵀ Δ (dominant part) and (I − P_k) Δ (bulk part). The two always sum to Δ.
/// </summary>
public static class SubspaceProjection
{
    /// <summary>U Uᵀ <paramref name="vector"/> for a flat vector [P]; computed in float64, returned in the vector's dtype.</summary>
    public static Tensor Dominant(Tensor vector, Tensor basis)
    {
        Check(vector, basis);
        using var scope = torch.NewDisposeScope();
        var u = basis.to(ScalarType.Float64, vector.device);
        var v = vector.to(ScalarType.Float64);
        var coefficients = torch.mv(u.t(), v);
        return torch.mv(u, coefficients).to(vector.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>(I − U Uᵀ) <paramref name="vector"/> for a flat vector [P].</summary>
    public static Tensor Bulk(Tensor vector, Tensor basis)
    {
        using var scope = torch.NewDisposeScope();
        var dominant = Dominant(vector, basis);
        return (vector - dominant).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The alignment χ_k(g) = ‖U Uᵀ g‖ / ‖g‖ ∈ [0, 1] of <paramref name="vector"/> with the subspace (NaN for g = 0).
    /// </summary>
    public static double Alignment(Tensor vector, Tensor basis)
    {
        Check(vector, basis);
        using var scope = torch.NewDisposeScope();
        var v = vector.to(ScalarType.Float64);
        double norm = v.norm().ReadDouble();
        if (!(norm > 0)) return double.NaN;
        var coefficients = torch.mv(basis.to(ScalarType.Float64, vector.device).t(), v);
        return Math.Min(1.0, coefficients.norm().ReadDouble() / norm);
    }

    private static void Check(Tensor vector, Tensor basis)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(basis);
        if (vector.dim() != 1)
            throw new ArgumentException($"The vector must be flat [P], got [{string.Join(", ", vector.shape)}].", nameof(vector));
        if (basis.dim() != 2 || basis.shape[0] != vector.shape[0])
            throw new ArgumentException(
                $"The basis must be [{vector.shape[0]}, k], got [{string.Join(", ", basis.shape)}].", nameof(basis));
        if (!vector.is_floating_point() || !basis.is_floating_point())
            throw new ArgumentException("The vector and the basis must be floating point.");
    }
}
