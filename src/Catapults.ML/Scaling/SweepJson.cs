using System.Text.Json;
using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Scaling;

/// <summary>The JSON settings of sweep files: enums as names, non-finite numbers allowed (a diverged loss is +∞ or NaN).</summary>
public static class SweepJson
{
    /// <summary>Compact settings for cell files.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    /// <summary>Indented settings for manifests and summaries.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>A cell spec as compact JSON, for comparing specs setting by setting.</summary>
    public static string Manifest(FeatureStrengthCellSpec spec) => JsonSerializer.Serialize(spec, Compact);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // A field given twice in a stored result is a damaged file, not a choice between two values; so is a
            // field the type does not have (a damaged name, whose value would be dropped and its default read).
            AllowDuplicateProperties = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new StrictEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
