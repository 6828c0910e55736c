using System.Buffers.Binary;

namespace Catapults.ML.Data.Matlab;

/// <summary>
/// Reads the real part of one numeric MAT-file variable front to back, in column-major element order, a chunk at a
/// time: plain data is read straight from the file, compressed data is inflated as it is read. Never holds more
/// than its buffers in memory.
/// </summary>
public sealed class MatArrayReader : IDisposable
{
    private readonly MatElementCursor _cursor;
    private readonly int _size;
    private byte[] _buffer = [];

    internal MatArrayReader(string path, MatVariable variable)
    {
        Variable = variable;
        StoredType = variable.StoredType!.Value;
        _size = MatTypes.SizeOf(StoredType);
        Count = variable.ElementCount;
        if (variable.IsCompressed)
        {
            _cursor = new MatElementCursor(path, variable.ElementOffset, variable.ElementLength, compressed: true);
            _cursor.Skip(variable.DataOffset, $"the data of '{variable.Name}'");
        }
        else
        {
            _cursor = new MatElementCursor(path, variable.ElementOffset, variable.ElementLength, compressed: false);
            _cursor.Skip(variable.DataOffset - (variable.ElementOffset + 8), $"the data of '{variable.Name}'");
        }
    }

    /// <summary>The variable being read.</summary>
    public MatVariable Variable { get; }

    /// <summary>The type the values are stored in.</summary>
    public MatDataType StoredType { get; }

    /// <summary>Total number of values.</summary>
    public long Count { get; }

    /// <summary>Values read or skipped so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Reads the next <c>destination.Length</c> values as bytes. Only for data stored as miUINT8 (e.g. SVHN's
    /// images): the bytes are copied unconverted.
    /// </summary>
    public void ReadBytes(Span<byte> destination)
    {
        if (StoredType != MatDataType.UInt8)
            throw new InvalidOperationException($"'{Variable.Name}' is stored as {StoredType}, not UInt8; use ReadDoubles.");
        CheckRemaining(destination.Length);
        _cursor.ReadExactly(destination, $"values {Position:N0}..{Position + destination.Length - 1:N0} of '{Variable.Name}'");
        Position += destination.Length;
    }

    /// <summary>Reads the next <c>destination.Length</c> values, converted to double.</summary>
    public void ReadDoubles(Span<double> destination)
    {
        CheckRemaining(destination.Length);
        const int chunk = 8192;
        if (_buffer.Length < chunk * _size) _buffer = new byte[chunk * _size];
        while (destination.Length > 0)
        {
            int n = Math.Min(chunk, destination.Length);
            var bytes = _buffer.AsSpan(0, n * _size);
            _cursor.ReadExactly(bytes, $"values {Position:N0}..{Position + n - 1:N0} of '{Variable.Name}'");
            for (int i = 0; i < n; i++) destination[i] = Convert(bytes.Slice(i * _size, _size));
            destination = destination[n..];
            Position += n;
        }
    }

    /// <summary>Skips <paramref name="count"/> values (a seek for plain data; inflated and discarded for compressed).</summary>
    public void Skip(long count)
    {
        CheckRemaining(count);
        _cursor.Skip(count * _size, $"values {Position:N0}..{Position + count - 1:N0} of '{Variable.Name}'");
        Position += count;
    }

    /// <summary>
    /// Reads past the values not yet read to the end of the array's element, so that a compressed element's checksum is
    /// checked: a reader that takes only some values must call it, or a bit damaged in place would come back as data.
    /// </summary>
    /// <exception cref="DatasetFormatException">The element's data are corrupt; the message names the file and the offset.</exception>
    public void VerifyToEnd()
    {
        Skip(Count - Position);
        _cursor.ReadToEnd($"the rest of '{Variable.Name}'");
    }

    private void CheckRemaining(long count)
    {
        if (count < 0 || Position + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"'{Variable.Name}' has {Count:N0} values and {Position:N0} are already read; cannot take {count:N0} more.");
    }

    private double Convert(ReadOnlySpan<byte> b) => StoredType switch
    {
        MatDataType.Int8 => (sbyte)b[0],
        MatDataType.UInt8 => b[0],
        MatDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
        MatDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
        MatDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
        MatDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
        MatDataType.Single => BinaryPrimitives.ReadSingleLittleEndian(b),
        MatDataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(b),
        MatDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
        MatDataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => throw new InvalidOperationException($"Data type {StoredType} is not numeric."),
    };

    /// <inheritdoc />
    public void Dispose() => _cursor.Dispose();
}
