using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.Study.Cells;

/// <summary>
/// The JSON settings of the cell files: the study's conventions (camelCase, enums as names, NaN and ∞ as strings,
/// unescaped non-ASCII), compact, so that each cell of a plan is one line.
/// </summary>
public static class CellJson
{
    /// <summary>Compact settings (cells of plan.json, digests).</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    /// <summary>Indented settings (the plan's header and settings, cell records).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Compact settings that refuse a field the type does not have (to tell one experiment's cells from another's).</summary>
    public static JsonSerializerOptions Exact { get; } = Create(indented: false, exact: true);

    private static JsonSerializerOptions Create(bool indented, bool exact = false)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            AllowDuplicateProperties = false,
            AllowOutOfOrderMetadataProperties = true,
            UnmappedMemberHandling = exact ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new StrictEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary><paramref name="value"/> as a compact JSON element.</summary>
    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Compact);
}
