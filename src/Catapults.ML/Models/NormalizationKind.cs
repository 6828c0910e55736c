using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// Normalisation inside a <see cref="WideResNet"/>. Every choice normalises each sample on its own, so each output
/// row depends on its own input row only and per-sample NTK and AGOP stay well defined. Batch normalisation in
/// training mode is deliberately absent: it normalises with statistics of the whole batch, so the Jacobian of
/// f(xᵢ) would depend on the other samples of the batch.
/// </summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum NormalizationKind
{
    /// <summary>No normalisation.</summary>
    None,
    /// <summary>GroupNorm: each sample's channels are split into groups, each normalised over its channels and positions.</summary>
    GroupNorm,
    /// <summary>LayerNorm over channels and positions of each sample (GroupNorm with one group), with a per-channel affine map.</summary>
    LayerNorm,
}
