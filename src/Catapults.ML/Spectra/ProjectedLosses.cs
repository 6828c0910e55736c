using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>Projected losses PL_s = 1/n Σ_{j≤s} ⟨r, u_j⟩² and PL_s⊥ = L − PL_s (README, Conventions).</summary>
public static class ProjectedLosses
{
    /// <summary>
    /// Projected losses of the residual r = F(w) − y, given as [n, O] (n read from it), on the orthonormal
    /// eigenvectors <paramref name="eigenvectors"/> [n·O, S] (sample-major, as the NTK's), computed in float64.
    /// </summary>
    public static ProjectedLossResult Compute(Tensor residual, Tensor eigenvectors)
    {
        ArgumentNullException.ThrowIfNull(residual);
        ArgumentNullException.ThrowIfNull(eigenvectors);
        TorchRuntime.EnsureLoaded();
        if (residual.dim() != 2)
            throw new ArgumentException($"The residual must be [n, O], got [{string.Join(", ", residual.shape)}].", nameof(residual));
        long n = residual.shape[0];
        long size = residual.numel();
        // The loss is a mean over the samples: with none it would be 0/0.
        if (size == 0) throw new ArgumentException($"The residual has no values ([{string.Join(", ", residual.shape)}]); projected losses need at least one sample and one output.", nameof(residual));
        if (eigenvectors.dim() != 2 || eigenvectors.shape[0] != size || eigenvectors.shape[1] < 1)
            throw new ArgumentException(
                $"The eigenvectors must be [{size}, S] with S ≥ 1 for a residual [{n}, {residual.shape[1]}], got [{string.Join(", ", eigenvectors.shape)}].",
                nameof(eigenvectors));
        using var scope = torch.NewDisposeScope();
        var r = residual.reshape(-1).to(ScalarType.Float64, eigenvectors.device);
        var u = eigenvectors.to(ScalarType.Float64);
        double loss = r.dot(r).ReadDouble() / n;
        var coefficients = torch.mv(u.t(), r);
        var cumulative = KeptScalars.DividedBy((coefficients * coefficients).cumsum(0), n).cpu().data<double>().ToArray();
        var orthogonal = cumulative.Select(pl => loss - pl).ToArray();
        return new ProjectedLossResult(loss, cumulative, orthogonal);
    }
}
