using System.Buffers.Binary;
using System.Text;

namespace Catapults.ML.Tests.Support;

/// <summary>
/// safetensors files written by hand, byte by byte, for the reader's refusals: an 8-byte little-endian header length,
/// the JSON header as given (however wrong), then the data.
/// </summary>
public static class RawSafetensors
{
    /// <summary>The file of header <paramref name="json"/> followed by <paramref name="data"/>.</summary>
    public static byte[] Bytes(string json, ReadOnlySpan<byte> data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes.AsSpan(8 + header.Length));
        return bytes;
    }

    /// <summary>The file of header <paramref name="json"/> followed by <paramref name="dataBytes"/> zero bytes.</summary>
    public static byte[] Bytes(string json, int dataBytes) => Bytes(json, new byte[dataBytes]);
}
