using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>Training loss. Each has exactly one normalisation, stated here and used by every critical quantity.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum LossKind
{
    /// <summary>
    /// L(w) = 1/b Σᵢ ‖f(w; xᵢ) − yᵢ‖² over a batch of b samples: summed over outputs, averaged over samples, and no
    /// factor ½. A gradient-descent step moves the residual by (I − (2η/b)K), so η_crit = b / λ_max(K).
    /// </summary>
    MeanSquaredError,

    /// <summary>L(w) = −1/b Σᵢ log softmax(f(w; xᵢ))_{yᵢ}: averaged over samples; targets are class indices.</summary>
    CrossEntropy,
}
