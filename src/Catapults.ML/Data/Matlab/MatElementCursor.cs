using System.Buffers.Binary;
using System.IO.Compression;

namespace Catapults.ML.Data.Matlab;

/// <summary>
/// Reads the bytes of one top-level element (plain, or through zlib for miCOMPRESSED), keeping the position within
/// it so that every error can say where it happened.
/// </summary>
internal sealed class MatElementCursor : IDisposable
{
    private readonly FileStream _file;
    private readonly BoundedStream _window;
    private readonly Stream _source;
    private readonly string _path;
    private readonly long _elementOffset;
    private readonly bool _compressed;
    private byte[]? _skipBuffer;

    /// <summary>Opens the element whose tag is at <paramref name="elementOffset"/> and whose data is <paramref name="length"/> bytes.</summary>
    public MatElementCursor(string path, long elementOffset, long length, bool compressed, int bufferSize = 1 << 16)
    {
        _path = path;
        _elementOffset = elementOffset;
        _compressed = compressed;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, compressed ? 1 : bufferSize);
        _window = new BoundedStream(_file, elementOffset + 8, length);
        _source = compressed ? new BufferedStream(new ZLibStream(new BufferedStream(_window, bufferSize), CompressionMode.Decompress), bufferSize) : _window;
    }

    /// <summary>Position within the element's data (decompressed bytes for a compressed element).</summary>
    public long Position { get; private set; }

    /// <summary>A phrase that locates the current position in the file, for messages.</summary>
    public string Where => _compressed
        ? $"byte {Position:N0} of the decompressed data of the compressed element at byte {_elementOffset:N0} (compressed input read up to byte {_window.AbsolutePosition:N0})"
        : $"byte {_elementOffset + 8 + Position:N0}";

    /// <summary>The file offset to report: exact for a plain element, the element's own offset for a compressed one.</summary>
    public long ReportOffset => _compressed ? _elementOffset : _elementOffset + 8 + Position;

    public DatasetFormatException Error(string problem, Exception? inner = null) =>
        new(_path, $"{_path}: {problem} (at {Where}).", ReportOffset, inner);

    /// <summary>Fills <paramref name="buffer"/> or throws saying where the element ended or the data broke.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int read = _source.Read(buffer[total..]);
                if (read == 0) break;
                total += read;
                Position += read;
            }
        }
        catch (InvalidDataException ex)
        {
            throw Error($"corrupt compressed data while reading {what}: {ex.Message}", ex);
        }
        if (total < buffer.Length)
            throw Error(_compressed
                ? $"corrupt or truncated compressed element: its data ended {buffer.Length - total:N0} bytes short while reading {what}"
                : $"corrupt element: it ends {buffer.Length - total:N0} bytes short while reading {what}");
    }

    /// <summary>Moves forward <paramref name="count"/> bytes (a seek for plain data, read-and-discard for compressed).</summary>
    public void Skip(long count, string what)
    {
        if (count <= 0) return;
        if (!_compressed)
        {
            if (Position + count > _window.Length)
                throw Error($"corrupt element: it ends before {what}");
            _window.Seek(Position + count, SeekOrigin.Begin);
            Position += count;
            return;
        }
        _skipBuffer ??= new byte[1 << 16];
        while (count > 0)
        {
            int chunk = (int)Math.Min(count, _skipBuffer.Length);
            ReadExactly(_skipBuffer.AsSpan(0, chunk), what);
            count -= chunk;
        }
    }

    /// <summary>
    /// Reads a compressed element to its end, so that zlib checks the element's checksum: data damaged in place still
    /// decompresses, and only the checksum at the end tells. Nothing to do for a plain element.
    /// </summary>
    public void ReadToEnd(string what)
    {
        if (!_compressed) return;
        _skipBuffer ??= new byte[1 << 16];
        try
        {
            int read;
            do
            {
                read = _source.Read(_skipBuffer);
                Position += read;
            }
            while (read > 0);
        }
        catch (InvalidDataException ex)
        {
            throw Error($"corrupt compressed data while reading {what}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a data-element tag. A small element (data packed into the tag) carries its up to 4 data bytes.</summary>
    public MatTag ReadTag(string what)
    {
        Span<byte> tag = stackalloc byte[8];
        ReadExactly(tag, what);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(tag);
        if ((first >> 16) != 0)
        {
            int smallLength = (int)(first >> 16);
            if (smallLength > 4) throw Error($"{what} is a small element declaring {smallLength} bytes (at most 4 fit)");
            return new MatTag((MatDataType)(first & 0xFFFF), smallLength, tag.Slice(4, smallLength).ToArray());
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(tag[4..]);
        if (length > int.MaxValue) throw Error($"{what} declares {length:N0} bytes, more than this reader supports");
        return new MatTag((MatDataType)first, (int)length, null);
    }

    /// <summary>Reads the data of the element whose tag was just read, and skips its padding to 8 bytes.</summary>
    public byte[] ReadData(MatTag tag, string what)
    {
        if (tag.SmallData is not null) return tag.SmallData;
        var data = PiecewiseArray.Read<byte>(tag.Length, (piece, _) => ReadExactly(piece, what));
        Skip(Padding(tag.Length), what + " padding");
        return data;
    }

    /// <summary>Bytes of padding after <paramref name="length"/> data bytes to reach an 8-byte boundary.</summary>
    public static int Padding(long length) => (int)((8 - length % 8) % 8);

    public void Dispose()
    {
        _source.Dispose();
        _window.Dispose();
        _file.Dispose();
    }
}
