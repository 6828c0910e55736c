using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>What to do with the last, smaller batch of an epoch when the batch size does not divide n.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum PartialBatchPolicy
{
    /// <summary>
    /// Drop it (the default): every step then uses exactly b samples, so the per-step critical rate b/λ_max(K_b) and
    /// the batch loss are always on the same scale. The dropped samples differ each epoch because of reshuffling.
    /// </summary>
    Drop,
    /// <summary>Keep it as a smaller batch, normalised by its own size.</summary>
    Keep,
}
