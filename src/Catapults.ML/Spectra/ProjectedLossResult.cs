namespace Catapults.ML.Spectra;

/// <summary>
/// The MSE loss split along the top eigenvectors of the NTK: for s = 1..S, PL_s and its complement PL_s⊥ = L − PL_s.
/// </summary>
/// <param name="Loss">L = 1/n ‖r‖² with r ∈ R^{nO} the stacked residual (the MSE normalisation of the engine).</param>
/// <param name="Projected">PL_s = 1/n Σ_{j≤s} ⟨r, u_j⟩² for s = 1..S (index s − 1).</param>
/// <param name="Orthogonal">PL_s⊥ = L − PL_s for s = 1..S (index s − 1): the part of the loss outside the top-s eigenspace.</param>
public sealed record ProjectedLossResult(double Loss, IReadOnlyList<double> Projected, IReadOnlyList<double> Orthogonal)
{
    /// <summary>The number S of eigenvectors projected on.</summary>
    public int Count => Projected.Count;
}
