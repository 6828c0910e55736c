using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Catapults.ML.Serialization;

/// <summary>One named tensor of a safetensors file: dtype, shape and raw little-endian bytes.</summary>
public sealed class SafetensorsTensor
{
    /// <summary>Creates a tensor; <paramref name="data"/> must hold exactly numel × element size bytes, little-endian.</summary>
    /// <remarks>The tensor keeps <paramref name="data"/> itself, not a copy, because weights can be large: the caller hands
    /// the array over and must not change it afterwards. <paramref name="shape"/> is copied.</remarks>
    public SafetensorsTensor(string name, SafetensorsDataType dataType, long[] shape, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        foreach (var s in shape)
            if (s < 0) throw new ArgumentException($"Tensor '{name}' has a negative dimension in [{string.Join(", ", shape)}].", nameof(shape));
        Name = name;
        DataType = dataType;
        Shape = (long[])shape.Clone();
        long expected = ElementCount * ElementSize(dataType);
        if (data.LongLength != expected)
            throw new ArgumentException($"Tensor '{name}' ({dataType} [{string.Join(", ", shape)}]) needs {expected} bytes, got {data.LongLength}.", nameof(data));
        Data = data;
    }

    /// <summary>A float32 tensor from values in row-major order.</summary>
    public static SafetensorsTensor FromSingles(string name, long[] shape, float[] values) =>
        new(name, SafetensorsDataType.F32, shape, LittleEndianBytes(values));

    /// <summary>A float64 tensor from values in row-major order (exact: checkpoints of float64 state use it).</summary>
    public static SafetensorsTensor FromDoubles(string name, long[] shape, double[] values) =>
        new(name, SafetensorsDataType.F64, shape, LittleEndianBytes(values));

    // The file is little-endian: the values' own bytes, each element's reversed on a big-endian machine.
    private static byte[] LittleEndianBytes<T>(T[] values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            int size = Unsafe.SizeOf<T>();
            for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
        }
        return bytes;
    }

    /// <summary>The values of a float64 tensor, exactly.</summary>
    /// <exception cref="InvalidDataException">The tensor is not F64 (converting would lose or invent precision).</exception>
    public double[] ToDoubles()
    {
        if (DataType != SafetensorsDataType.F64)
            throw new InvalidDataException($"Tensor '{Name}' is {DataType}, expected F64.");
        var result = new double[ElementCount];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(i * 8));
        return result;
    }

    /// <summary>The tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDataType DataType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The raw bytes, little-endian, row-major: the array given to the constructor, to be read, not changed.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements (the product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values converted to float32 (exact for F32, F16, BF16 and small integers; rounded for F64 and large integers).</summary>
    public float[] ToSingles()
    {
        long n = ElementCount;
        var result = new float[n];
        var data = Data.AsSpan();
        for (long i = 0; i < n; i++)
        {
            int k = (int)i;
            result[i] = DataType switch
            {
                SafetensorsDataType.F32 => BinaryPrimitives.ReadSingleLittleEndian(data[(k * 4)..]),
                SafetensorsDataType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(k * 8)..]),
                SafetensorsDataType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(data[(k * 2)..]),
                SafetensorsDataType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(data[(k * 2)..]) << 16),
                SafetensorsDataType.I64 => BinaryPrimitives.ReadInt64LittleEndian(data[(k * 8)..]),
                SafetensorsDataType.I32 => BinaryPrimitives.ReadInt32LittleEndian(data[(k * 4)..]),
                SafetensorsDataType.I16 => BinaryPrimitives.ReadInt16LittleEndian(data[(k * 2)..]),
                SafetensorsDataType.I8 => (sbyte)data[k],
                SafetensorsDataType.U8 => data[k],
                SafetensorsDataType.BOOL => data[k] != 0 ? 1f : 0f,
                _ => throw new NotSupportedException($"Unknown dtype {DataType}."),
            };
        }
        return result;
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int ElementSize(SafetensorsDataType type) => type switch
    {
        SafetensorsDataType.F64 or SafetensorsDataType.I64 => 8,
        SafetensorsDataType.F32 or SafetensorsDataType.I32 => 4,
        SafetensorsDataType.F16 or SafetensorsDataType.BF16 or SafetensorsDataType.I16 => 2,
        _ => 1,
    };
}
