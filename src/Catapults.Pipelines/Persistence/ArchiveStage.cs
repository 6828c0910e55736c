using Catapults.ML.Runtime;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// One stage of a model archive: a folder (<c>stages/i/</c>) in which a transformer writes and reads its own entries.
/// Errors name the archive and the entry.
/// </summary>
internal sealed class ArchiveStage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly ZipArchive _zip;

    internal ArchiveStage(ZipArchive zip, string path, string archiveName)
    {
        _zip = zip;
        Path = path;
        ArchiveName = archiveName;
    }

    /// <summary>The stage's folder inside the archive, ending in '/'.</summary>
    public string Path { get; }

    /// <summary>The archive's name (its path, or "model stream"), for error messages.</summary>
    public string ArchiveName { get; }

    /// <summary>Writes <paramref name="bytes"/> as the stage's entry <paramref name="entry"/>.</summary>
    public void WriteBytes(string entry, byte[] bytes) => Write(_zip, Path + entry, bytes);

    /// <summary>Writes <paramref name="json"/> (indented UTF-8) as the stage's entry <paramref name="entry"/>.</summary>
    public void WriteJson(string entry, JsonNode json) => WriteBytes(entry, Encoding.UTF8.GetBytes(json.ToJsonString(Indented)));

    /// <summary>The bytes of the stage's entry <paramref name="entry"/>.</summary>
    /// <exception cref="InvalidDataException">The entry is missing.</exception>
    public byte[] ReadBytes(string entry) => Read(_zip, Path + entry, ArchiveName);

    /// <summary>The stage's JSON entry <paramref name="entry"/> (a UTF-8 byte-order mark is tolerated).</summary>
    /// <exception cref="InvalidDataException">The entry is missing or not a JSON object.</exception>
    public JsonObject ReadJson(string entry) =>
        ReadJson(_zip, Path + entry, ArchiveName) ?? throw new InvalidDataException($"{ArchiveName}: the entry '{ErrorText.Excerpt(Path + entry)}' is missing.");

    internal static void Write(ZipArchive zip, string entry, byte[] bytes)
    {
        using var stream = zip.CreateEntry(entry, CompressionLevel.Optimal).Open();
        stream.Write(bytes);
    }

    internal static byte[] Read(ZipArchive zip, string entry, string name)
    {
        var e = zip.GetEntry(entry) ?? throw new InvalidDataException($"{name}: the entry '{ErrorText.Excerpt(entry)}' is missing.");
        // The zip reader stops at the declared uncompressed size, so that size bounds what a hostile entry (a few
        // kilobytes that inflate to gigabytes) can make this read; an entry declaring more than memory holds is refused
        // before any of it is inflated. The bytes are gathered as they arrive, so a size that lies upwards costs nothing.
        double limit = Math.Min(Array.MaxLength, MemoryBudget.AvailableBytes / 2);
        if (e.Length > limit)
            throw new InvalidDataException(
                $"{name}: the entry '{ErrorText.Excerpt(entry)}' declares {e.Length:N0} bytes uncompressed, more than this process can hold ({MemoryBudget.Format(limit)}); the file is damaged or not a model written by SaveCatapultsModel.");
        try
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException ex)
        {
            // The zip reader's own message (a bad compression method, a CRC mismatch) names neither the file nor the entry.
            throw new InvalidDataException($"{name}: the entry '{ErrorText.Excerpt(entry)}' is damaged ({ex.Message}).", ex);
        }
    }

    internal static JsonObject? ReadJson(ZipArchive zip, string entry, string name)
    {
        if (zip.GetEntry(entry) is null) return null;
        try
        {
            var bytes = Read(zip, entry, name);
            // Tolerate a UTF-8 byte-order mark: editors and some writers add one.
            var json = bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? bytes.AsSpan(3) : bytes.AsSpan();
            // Checked here, since a node reads its strings only when asked, and then throws an exception that names nothing.
            if (!System.Text.Unicode.Utf8.IsValid(json))
                throw new InvalidDataException($"{name}: '{ErrorText.Excerpt(entry)}' is not valid UTF-8 text; the file is damaged.");
            // A field given twice is a damaged or edited entry, not a choice between two values.
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new InvalidDataException($"{name}: '{ErrorText.Excerpt(entry)}' is not a JSON object; the file is damaged or not a model written by SaveCatapultsModel.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: '{ErrorText.Excerpt(entry)}' is not valid JSON ({ex.Message}).", ex);
        }
    }
}
