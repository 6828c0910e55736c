using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Catapults.Study.Infrastructure;

/// <summary>The JSON settings of every file the study writes (indented, camelCase, nulls kept, NaN written as a string).</summary>
public static class StudyJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

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
        catch (JsonException ex)
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
