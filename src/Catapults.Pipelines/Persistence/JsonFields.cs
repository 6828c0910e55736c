using System.Text.Json.Nodes;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Reads the fields of a model archive's JSON entries. A field that is missing, or present with the wrong kind of value,
/// is an <see cref="InvalidDataException"/> that names the entry and the field, so that a torn or hand-edited archive
/// fails with one clear line rather than a null reference or a JSON node's own exception.
/// </summary>
internal static class JsonFields
{
    /// <summary>
    /// The value of <paramref name="field"/>, read as <typeparamref name="T"/>; <paramref name="where"/> names the entry
    /// in messages (e.g. "model.zip: stages/1/network.json").
    /// </summary>
    public static T Required<T>(JsonObject json, string field, string where) =>
        TryGet<T>(json, field, where, out var value) ? value : throw Missing(field, where);

    /// <summary>False when <paramref name="field"/> is absent or null; throws when it holds something other than a <typeparamref name="T"/>.</summary>
    public static bool TryGet<T>(JsonObject json, string field, string where, out T value)
    {
        ArgumentNullException.ThrowIfNull(json);
        value = default!;
        if (json[field] is not { } node) return false;
        value = ValueOf<T>(node, $"{where}: field '{field}'");
        return true;
    }

    /// <summary>
    /// Refuses a field of <paramref name="json"/> that is not one of <paramref name="known"/>: a damaged or edited name
    /// would otherwise be skipped and its value lost, and an optional field read as absent.
    /// </summary>
    public static JsonObject RequireKnown(JsonObject json, string where, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(json);
        foreach (var (field, _) in json)
            if (Array.IndexOf(known, field) < 0)
                throw new InvalidDataException(
                    $"{where}: unknown field '{ErrorText.Visible(field)}' (this version reads {string.Join(", ", known.Select(k => $"'{k}'"))}).");
        return json;
    }

    /// <summary>The count held by <paramref name="field"/>: a whole number, 0 or more.</summary>
    public static int RequiredCount(JsonObject json, string field, string where)
    {
        int value = Required<int>(json, field, where);
        return value >= 0 ? value : throw new InvalidDataException($"{where}: field '{field}' is {value}, expected a count (0 or more).");
    }

    /// <summary>The column name held by <paramref name="field"/>: a string that is not empty or blank.</summary>
    public static string RequiredColumnName(JsonObject json, string field, string where)
    {
        string name = Required<string>(json, field, where);
        return string.IsNullOrWhiteSpace(name)
            ? throw new InvalidDataException($"{where}: field '{field}' is '{ErrorText.Excerpt(name)}', expected a column name.")
            : name;
    }

    /// <summary>The object held by <paramref name="field"/>.</summary>
    public static JsonObject RequiredObject(JsonObject json, string field, string where) => RequiredNode<JsonObject>(json, field, where, "an object");

    /// <summary>The array held by <paramref name="field"/>.</summary>
    public static JsonArray RequiredArray(JsonObject json, string field, string where) => RequiredNode<JsonArray>(json, field, where, "an array");

    private static TNode RequiredNode<TNode>(JsonObject json, string field, string where, string kind) where TNode : JsonNode => json[field] switch
    {
        TNode node => node,
        null => throw Missing(field, where),
        var other => throw WrongKind(other, kind, $"{where}: field '{field}'"),
    };

    /// <summary>The enum member named by the string in <paramref name="field"/> (names only, not numbers).</summary>
    public static TEnum RequiredEnum<TEnum>(JsonObject json, string field, string where) where TEnum : struct, Enum
    {
        string name = Required<string>(json, field, where);
        if (StrictEnumConverter.TryParseName(name, out TEnum value)) return value;
        throw new InvalidDataException(
            $"{where}: field '{field}' is '{ErrorText.Excerpt(name)}', expected one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    /// <summary>An array element or other node, read as <typeparamref name="T"/>; <paramref name="what"/> names it.</summary>
    public static T ValueOf<T>(JsonNode? node, string what)
    {
        try
        {
            if (node is JsonValue v && v.TryGetValue<T>(out var value)) return value;
        }
        catch (InvalidOperationException ex)
        {
            // A string escape that is no text (a lone surrogate, \udc00) fails only when the string is read.
            throw new InvalidDataException($"{what} is not valid text ({ex.Message}).", ex);
        }
        throw WrongKind(node, $"a {typeof(T).Name}", what);
    }

    private static InvalidDataException Missing(string field, string where) => new($"{where}: the field '{field}' is missing.");

    private static InvalidDataException WrongKind(JsonNode? node, string expected, string what)
    {
        return new InvalidDataException($"{what} must be {expected}, got {ErrorText.Excerpt(node?.ToJsonString() ?? "null", 40)}.");
    }
}
