using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Catapults.ML.Tests.Data.Fixtures;

/// <summary>
/// A minimal MAT-file v5 writer for test fixtures, written from the format description (128-byte header, tagged
/// elements padded to 8 bytes, small elements for ≤ 4 bytes, miCOMPRESSED = zlib of a whole miMATRIX element).
/// </summary>
public static class MatV5Writer
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt32 = 5, MiUInt32 = 6, MiDouble = 9, MiMatrix = 14, MiCompressed = 15;
    public const int MxDouble = 6, MxUInt8 = 9, MxStruct = 2;

    /// <summary>One array: MATLAB class, dimensions, stored data type and raw little-endian data (column-major).</summary>
    public sealed record Array(string Name, int ClassCode, int[] Dimensions, int DataType, byte[] Data);

    public static Array UInt8(string name, int[] dims, byte[] data) => new(name, MxUInt8, dims, MiUInt8, data);

    public static Array Double(string name, int[] dims, double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        return new(name, MxDouble, dims, MiDouble, data);
    }

    /// <summary>A double array stored as miUINT8, as MATLAB does when every value is a small whole number.</summary>
    public static Array DoubleStoredAsUInt8(string name, int[] dims, byte[] values) => new(name, MxDouble, dims, MiUInt8, values);

    public static void Write(string path, bool compressed, params Array[] arrays)
    {
        using var file = File.Create(path);
        file.Write(Header("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026"));
        foreach (var array in arrays)
        {
            var matrix = MatrixElement(array);
            if (!compressed)
            {
                file.Write(matrix);
                continue;
            }
            using var packed = new MemoryStream();
            using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(matrix);
            file.Write(Tag(MiCompressed, (int)packed.Length));
            file.Write(packed.ToArray());
        }
    }

    public static byte[] Header(string text)
    {
        var header = new byte[128];
        header.AsSpan(0, 116).Fill((byte)' ');
        Encoding.ASCII.GetBytes(text).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        return header;
    }

    public static byte[] MatrixElement(Array a)
    {
        using var body = new MemoryStream();
        var flags = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flags, (uint)a.ClassCode);
        WriteElement(body, MiUInt32, flags);
        var dims = new byte[4 * a.Dimensions.Length];
        for (int i = 0; i < a.Dimensions.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(4 * i), a.Dimensions[i]);
        WriteElement(body, MiInt32, dims);
        WriteElement(body, MiInt8, Encoding.ASCII.GetBytes(a.Name));
        WriteElement(body, a.DataType, a.Data);
        using var element = new MemoryStream();
        element.Write(Tag(MiMatrix, (int)body.Length));
        body.Position = 0;
        body.CopyTo(element);
        return element.ToArray();
    }

    private static void WriteElement(Stream s, int type, byte[] data)
    {
        if (data.Length <= 4 && data.Length > 0)
        {
            // Small data element: byte count in the upper 16 bits, data in the second word.
            var small = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(small, (uint)(data.Length << 16 | type));
            data.CopyTo(small, 4);
            s.Write(small);
            return;
        }
        s.Write(Tag(type, data.Length));
        s.Write(data);
        s.Write(new byte[(8 - data.Length % 8) % 8]);
    }

    public static byte[] Tag(int type, int length)
    {
        var tag = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(tag.AsSpan(4), (uint)length);
        return tag;
    }
}
