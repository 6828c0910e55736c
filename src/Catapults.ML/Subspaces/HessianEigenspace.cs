using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;

namespace Catapults.ML.Subspaces;

/// <summary>A top-k Hessian eigenspace at some weights: basis U [P, k] float64 (orthonormal columns) and eigenvalues.</summary>
public sealed class HessianEigenspace : IDisposable
{
    private HessianEigenspace(int step, Tensor basis, double[] eigenvalues, int products, double? alignment)
    {
        Step = step;
        Basis = basis.DetachFromDisposeScope();
        Eigenvalues = eigenvalues;
        Products = products;
        Alignment = alignment;
    }

    /// <summary>The training step whose weights w_t the eigenspace belongs to.</summary>
    public int Step { get; }

    /// <summary>Orthonormal eigenvectors [P, k] float64 on the parameters' device.</summary>
    public Tensor Basis { get; }

    /// <summary>Eigenvalues λ₁ ≥ … ≥ λ_k.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Hessian-vector products the solve took.</summary>
    public int Products { get; }

    /// <summary>χ_k of the gradient over the Hessian's samples, when asked for.</summary>
    public double? Alignment { get; }

    /// <summary>
    /// Solves for the top <paramref name="rank"/> eigenpairs of the Hessian of <paramref name="loss"/> over
    /// (<paramref name="features"/>, <paramref name="targets"/>) at the model's current weights, warm-started from
    /// <paramref name="warmStart"/> (e.g. the <see cref="Basis"/> of the previous eigenspace) when given; with <paramref name="withAlignment"/> also χ_k of that loss's gradient.
    /// Without <paramref name="lanczos"/> the solve stops at a relative residual of 1e-4, looser than the solver's own
    /// default, because a projection refreshed every few steps needs the subspace, not digits of its eigenvalues.
    /// </summary>
    public static HessianEigenspace Compute(int step, NetworkModule model, Tensor features, Tensor targets, LossKind loss, int rank,
        HessianOptions? hessian, LanczosOptions? lanczos, Tensor? warmStart = null, bool withAlignment = false)
    {
        using var scope = torch.NewDisposeScope();
        using var op = new HessianOperator(model, features, targets, loss, hessian);
        if (rank > op.Dimension)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank cannot exceed the parameter count {op.Dimension}.");
        using var result = op.TopEigenpairs(rank, lanczos ?? new LanczosOptions { Tolerance = 1e-4 }, warmStart);
        var basis = result.Vectors.to(ScalarType.Float64, op.Device).clone();
        double? alignment = null;
        if (withAlignment)
        {
            var g = op.Gradient();
            alignment = SubspaceProjection.Alignment(g, basis);
        }
        return new HessianEigenspace(step, basis, result.Values.ToArray(), result.OperatorApplications, alignment);
    }

    /// <inheritdoc />
    public void Dispose() => Basis.Dispose();
}
