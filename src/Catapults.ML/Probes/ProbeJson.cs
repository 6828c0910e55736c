using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catapults.ML.Probes;

/// <summary>The JSON settings of probe states: camelCase names, and NaN or ∞ written as strings (a record may hold them).</summary>
internal static class ProbeJson
{
    internal static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A field given twice, or one the type does not have (a damaged name), marks a damaged state, not a value.
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
