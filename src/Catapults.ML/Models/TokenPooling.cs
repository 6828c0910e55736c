using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>How a <see cref="VisionTransformer"/> reduces its tokens to one vector before the readout.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum TokenPooling
{
    /// <summary>A learned class token is prepended to the patch tokens; its final state is read out.</summary>
    ClassToken,
    /// <summary>The final states of the patch tokens are averaged (no class token).</summary>
    Mean,
}
