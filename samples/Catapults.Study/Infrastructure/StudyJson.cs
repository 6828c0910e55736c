using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// The JSON settings of every file the study writes (indented, camelCase, nulls kept, NaN written as a string). Reading
/// refuses a field given twice (which of the two to trust is a guess) or one the type does not have (a damaged name,
/// whose value would otherwise be dropped and its default read in its place), and finds a schedule's kind wherever it
/// stands.
/// </summary>
public static class StudyJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowDuplicateProperties = false,
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Also for enums without a converter of their own: an edited or damaged value must name a member exactly.
        Converters = { new StrictEnumConverter() },
    };

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown while reading JSON into the study's types, means that the text does
    /// not hold one: besides the serializer's own <see cref="JsonException"/>, a value a constructor refuses (a negative
    /// rate in a schedule), a type it cannot build, or text that is not valid UTF-8.
    /// </summary>
    public static bool IsMalformed(Exception exception) =>
        exception is JsonException or ArgumentException or NotSupportedException or InvalidOperationException or FormatException or OverflowException;

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically and returns the digest of what was written.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static FileDigest Write<T>(string path, T value) => AtomicFile.WriteText(path, JsonSerializer.Serialize(value, Options));

    /// <summary>The top-level fields (as written) in which <paramref name="a"/> and <paramref name="b"/> differ; empty when they are the same.</summary>
    public static IReadOnlyList<string> DifferingFields<T>(T a, T b)
    {
        var left = JsonSerializer.SerializeToNode(a, Options)!.AsObject();
        var right = JsonSerializer.SerializeToNode(b, Options)!.AsObject();
        return left.Select(p => p.Key).Union(right.Select(p => p.Key)).Where(key => !JsonNode.DeepEquals(left[key], right[key])).ToList();
    }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing, empty or does not hold a <typeparamref name="T"/>; the message names it.</exception>
    public static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw new InvalidDataException($"{path} is not valid: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{path} is missing.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidDataException($"{path} cannot be read: {ex.Message}", ex);
        }
    }
}
