namespace Catapults.ML.Ensembles;

/// <summary>
/// The per-member settings of one in-place SGD step of a <see cref="FullyConnectedEnsemble"/>, in
/// <see cref="FullyConnectedEnsemble.ActiveMembers"/> order: rates η, weight decays λ (null: none), momenta μ (null: plain
/// SGD for every member; 0 for a plain member among momentum members, and for every member at its first step, where
/// PyTorch's buffer starts as the gradient) and the momentum buffers, one per parameter in
/// <see cref="FullyConnectedEnsemble.Parameters"/> order and shape.
/// </summary>
internal sealed record EnsembleSgdStep(float[] Rates, float[]? Decays, float[]? Momenta, Tensor[]? Buffers)
{
    /// <summary>A plain step whose rates are already in the output gradient (<see cref="FullyConnectedEnsemble.SubtractGradients"/>).</summary>
    public static readonly EnsembleSgdStep Plain = new(Array.Empty<float>(), null, null, null);
}
