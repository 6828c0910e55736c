using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>How <see cref="WarmupDecaySchedule"/> decays after warm-up.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum DecayKind
{
    /// <summary>Stay at the peak.</summary>
    None,
    /// <summary>Linear to the final rate at the last step.</summary>
    Linear,
    /// <summary>Half-cosine to the final rate at the last step.</summary>
    Cosine,
}
