using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>Elementwise nonlinearity between layers.</summary>
[JsonConverter(typeof(StrictEnumConverter))]
public enum ActivationKind
{
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>Gaussian error linear unit (exact erf form).</summary>
    Gelu,
    /// <summary>The identity: a deep linear network.</summary>
    Identity,
}
