using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Runtime;

namespace Catapults.ML.Serialization;

/// <summary>
/// Reads and writes the safetensors format, the weight format PyTorch users load with
/// <c>safetensors.torch.load_file</c>: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON mapping
/// each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into the data that follows,
/// which they must cover without gaps or overlaps) plus an optional <c>"__metadata__"</c> map of strings, then the raw
/// little-endian tensor data. The header is padded with spaces to a multiple of 8 bytes.
/// </summary>
/// <remarks>
/// The format has no checksum, so a flipped bit in the tensor data would load as slightly different weights. Every file
/// written here records the SHA-256 of its tensor data (all bytes after the header) in the metadata as
/// <see cref="DataDigestKey"/>, lowercase hex, which <see cref="Read(Stream, string)"/> checks: a file changed after it
/// was written is refused with a message naming it. Files without the key (written by other tools) are read as they are.
/// </remarks>
public sealed class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    /// <summary>
    /// The metadata key of the SHA-256 of the tensor data, 64 lowercase hex digits: written with every file (replacing
    /// any value given in the metadata) and checked on reading where present. <c>hashlib.sha256(data[8 + N:])</c>
    /// recomputes it from a file's bytes, with N the header length.
    /// </summary>
    public const string DataDigestKey = "data_sha256";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    /// <summary>Creates a file from tensors (names must be distinct) and optional string metadata.</summary>
    public SafetensorsFile(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = tensors.ToList();
        _byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (t.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (!_byName.TryAdd(t.Name, t)) throw new ArgumentException($"Two tensors are named '{t.Name}'.", nameof(tensors));
        }
        Metadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>The tensors, in file order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Where the file was read from (its path, or the name given to <see cref="Read(Stream, string)"/>), so that errors about its contents can name it; null for a file built in memory.</summary>
    public string? Source { get; init; }

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public SafetensorsTensor? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Writes the file to <paramref name="path"/>, atomically (<see cref="AtomicFileWriter"/>).</summary>
    public void Write(string path) => AtomicFileWriter.Write(path, Write);

    /// <summary>Writes the file to <paramref name="stream"/>, with the digest of its tensor data (<see cref="DataDigestKey"/>).</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            // A file read and written again carries the key from its reading; the digest of the data written is the one that holds.
            foreach (var (key, value) in Metadata.Where(m => m.Key != DataDigestKey)) json.WriteString(key, value);
            json.WriteString(DataDigestKey, DataDigest());
            json.WriteEndObject();
            long offset = 0;
            foreach (var t in Tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DataType.ToString());
                json.WriteStartArray("shape");
                foreach (var s in t.Shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.LongLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.LongLength;
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var t in Tensors) stream.Write(t.Data);
    }

    private static readonly string[] DataTypeNames = Enum.GetNames<SafetensorsDataType>();

    // The SHA-256 of the tensors' data in file order, as lowercase hex.
    private string DataDigest()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in Tensors) sha.AppendData(t.Data);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // Refuses data whose digest differs from the one the header records; a file without one passes.
    private static void CheckDataDigest(IReadOnlyDictionary<string, string> metadata, byte[] data, string name)
    {
        if (!metadata.TryGetValue(DataDigestKey, out var recorded)) return;
        if (recorded.Length != 64 || !recorded.All(char.IsAsciiHexDigitLower))
            throw new InvalidDataException($"{name}: metadata '{DataDigestKey}' is '{ErrorText.Excerpt(recorded, 100)}', expected the SHA-256 of the tensor data as 64 lowercase hex digits.");
        string actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (actual != recorded)
            throw new InvalidDataException($"{name}: the tensor data does not match the SHA-256 its header records ('{DataDigestKey}'); the file was changed or damaged after it was written.");
    }

    /// <summary>Reads a file from <paramref name="path"/>.</summary>
    public static SafetensorsFile Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads a file from <paramref name="stream"/>; <paramref name="name"/> names it in error messages. A seekable stream
    /// must end where the file does.
    /// </summary>
    public static SafetensorsFile Read(Stream stream, string name = "safetensors stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, name, "the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > MaxHeaderBytes)
            throw new InvalidDataException($"{name}: header length {headerLength} is not plausible (expected 1..{MaxHeaderBytes} bytes); this is not a safetensors file.");
        var header = ReadDeclared(stream, (long)headerLength, name, "the header");

        var entries = new List<(string Name, SafetensorsDataType Type, long[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header.AsMemory().TrimEnd((byte)' '));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{name}: the header is not a JSON object.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw new InvalidDataException($"{name}: the header names '{ErrorText.Excerpt(property.Name)}' twice.");
                if (property.Name == MetadataKey)
                {
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new InvalidDataException($"{name}: metadata '{ErrorText.Excerpt(m.Name)}' is not a string.");
                    continue;
                }
                if (property.Name.Length == 0) throw new InvalidDataException($"{name}: the header names a tensor with an empty name.");
                var v = property.Value;
                string dtype = v.GetProperty("dtype").GetString() ?? "";
                if (!StrictEnumConverter.TryParseName(dtype, out SafetensorsDataType type))
                    throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(property.Name)}' has dtype '{ErrorText.Excerpt(dtype)}', which is not supported ({string.Join(", ", DataTypeNames)} are).");
                var shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (offsets.Length != 2) throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(property.Name)}' needs two data offsets.");
                entries.Add((property.Name, type, shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{name}: the header is not valid safetensors JSON ({ex.Message}).", ex);
        }

        long expectedEnd = 0;
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            if (e.Begin != expectedEnd || e.End < e.Begin)
                throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(e.Name)}' occupies bytes [{e.Begin}, {e.End}), which leaves a gap or overlaps another tensor.");
            long bytes = DataBytes(e.Type, e.Shape, name, e.Name);
            if (e.End - e.Begin != bytes)
                throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(e.Name)}' ({e.Type} [{ErrorText.Excerpt(string.Join(", ", e.Shape))}]) spans {e.End - e.Begin} bytes, expected {bytes}.");
            expectedEnd = e.End;
        }
        if (expectedEnd > Array.MaxLength)
            throw new InvalidDataException($"{name}: the header declares {expectedEnd:N0} bytes of tensor data, more than this reader holds in memory ({Array.MaxLength:N0}).");
        var data = ReadDeclared(stream, expectedEnd, name, "the tensor data");
        // Bytes past the last tensor's data belong to no tensor: a file appended to, or a header that lost a tensor.
        if (stream.CanSeek && stream.Position != stream.Length)
            throw new InvalidDataException($"{name}: {stream.Length - stream.Position:N0} bytes follow the last tensor's data, which the header does not describe.");
        CheckDataDigest(metadata, data, name);
        var tensors = entries.Select(e => new SafetensorsTensor(e.Name, e.Type, e.Shape, data.AsSpan((int)e.Begin, (int)(e.End - e.Begin)).ToArray()));
        return new SafetensorsFile(tensors, metadata) { Source = name };
    }

    // Bytes of a tensor's data, refusing a negative dimension and a shape whose size overflows (it would wrap to a
    // small number and pass the span check).
    private static long DataBytes(SafetensorsDataType type, long[] shape, string name, string tensor)
    {
        long bytes = SafetensorsTensor.ElementSize(type);
        foreach (long dimension in shape)
        {
            if (dimension < 0) throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(tensor)}' has a negative dimension.");
            if (dimension != 0 && bytes > long.MaxValue / dimension)
                throw new InvalidDataException($"{name}: tensor '{ErrorText.Excerpt(tensor)}' has shape [{ErrorText.Excerpt(string.Join(", ", shape))}], more elements than any file holds.");
            bytes *= dimension;
        }
        return bytes;
    }

    // Reads the count bytes the file declares without allocating for a claim the file cannot hold: where the stream
    // knows its length the count is checked against it first, otherwise the bytes are gathered as they arrive.
    private static byte[] ReadDeclared(Stream stream, long count, string name, string what)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (count > remaining)
                throw new InvalidDataException($"{name}: the file ends inside {what}: {count:N0} bytes declared, {remaining:N0} follow.");
            var bytes = new byte[count];
            ReadExactly(stream, bytes, name, what);
            return bytes;
        }
        return PiecewiseArray.Read<byte>(count, (piece, offset) =>
        {
            int got = stream.ReadAtLeast(piece, piece.Length, throwOnEndOfStream: false);
            if (got < piece.Length)
                throw new InvalidDataException($"{name}: the file ends inside {what}: {count:N0} bytes declared, {offset + got:N0} follow.");
        });
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0) throw new InvalidDataException($"{name}: the file ends inside {what} ({read} of {buffer.Length} bytes).");
            read += n;
        }
    }
}
