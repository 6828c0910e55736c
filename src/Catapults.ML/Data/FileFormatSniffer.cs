using System.Text;
using Catapults.ML.Runtime;

namespace Catapults.ML.Data;

/// <summary>
/// Names the format of a file from its first bytes, so that a reader handed the wrong file can say what it found
/// ("a gzip archive", "an HDF5 file") rather than only that it failed.
/// </summary>
public static class FileFormatSniffer
{
    /// <summary>How many leading bytes <see cref="Describe(ReadOnlySpan{byte})"/> looks at at most.</summary>
    public const int PrefixLength = 1024;

    /// <summary>Describes the file at <paramref name="path"/> from its first bytes.</summary>
    public static string DescribeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var prefix = new byte[(int)Math.Min(PrefixLength, stream.Length)];
        stream.ReadExactly(prefix);
        return Describe(prefix);
    }

    /// <summary>A short description, e.g. "a gzip archive" or "text starting 'MATLAB 7.3 MAT-file'".</summary>
    public static string Describe(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length == 0) return "an empty file";
        if (StartsWith(prefix, 0, Hdf5Signature) || StartsWith(prefix, 512, Hdf5Signature))
            return StartsWith(prefix, 0, "MATLAB 7.3"u8) ? "a MATLAB v7.3 MAT-file (HDF5-based)" : "an HDF5 file";
        if (StartsWith(prefix, 0, "MATLAB 5.0 MAT-file"u8)) return "a MATLAB v5/v7 MAT-file";
        if (StartsWith(prefix, 0, "MATLAB 7.3"u8)) return "a MATLAB v7.3 MAT-file (HDF5-based)";
        if (StartsWith(prefix, 0, [0x1F, 0x8B])) return "a gzip archive (.gz / .tar.gz): extract it first";
        if (prefix.Length > 262 && StartsWith(prefix, 257, "ustar"u8)) return "a tar archive: extract it first";
        if (StartsWith(prefix, 0, "PK\x03\x04"u8)) return "a zip archive: extract it first";
        if (StartsWith(prefix, 0, JpegSignature)) return "a JPEG image";
        if (StartsWith(prefix, 0, [0x89, (byte)'P', (byte)'N', (byte)'G'])) return "a PNG image";
        if (StartsWith(prefix, 0, "GIF8"u8)) return "a GIF image";
        if (StartsWith(prefix, 0, "BM"u8) && prefix.Length > 14) return "possibly a BMP image";
        if (StartsWith(prefix, 0, "RIFF"u8) && prefix.Length >= 12 && StartsWith(prefix, 8, "WEBP"u8)) return "a WebP image";
        if (prefix[0] == 0x80 && prefix.Length > 1 && prefix[1] is >= 2 and <= 5) return "a Python pickle (e.g. the CIFAR 'python version')";
        if (StartsWith(prefix, 0, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'])) return "a NumPy .npy array";
        if (LooksLikeText(prefix)) return $"text starting '{FirstLine(prefix)}'";
        return $"binary data starting {Hex(prefix[..Math.Min(8, prefix.Length)])}";
    }

    /// <summary>The start of every JPEG file: the start-of-image marker and the first byte of the next marker.</summary>
    public static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    /// <summary>True when the file at <paramref name="path"/> starts as a JPEG does.</summary>
    public static bool StartsAsJpeg(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        Span<byte> prefix = stackalloc byte[3];
        return stream.ReadAtLeast(prefix, 3, throwOnEndOfStream: false) == 3 && prefix.SequenceEqual(JpegSignature);
    }

    /// <summary>The 8-byte HDF5 signature; MATLAB v7.3 files carry it at byte 512, after a 512-byte user block.</summary>
    public static ReadOnlySpan<byte> Hdf5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    private static bool StartsWith(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> magic) =>
        data.Length >= offset + magic.Length && data.Slice(offset, magic.Length).SequenceEqual(magic);

    private static bool LooksLikeText(ReadOnlySpan<byte> prefix)
    {
        int printable = 0;
        foreach (byte b in prefix)
            if (b is (>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t') printable++;
            else if (b == 0) return false;
        return printable >= 0.95 * prefix.Length;
    }

    private static string FirstLine(ReadOnlySpan<byte> prefix)
    {
        int end = prefix.IndexOfAny((byte)'\n', (byte)'\r');
        return ErrorText.Excerpt(Encoding.ASCII.GetString(end < 0 ? prefix : prefix[..end]).Trim(), 40);
    }

    /// <summary>Whether <paramref name="text"/> holds control characters (other than tabs) or undecodable bytes: read from a binary file.</summary>
    public static bool LooksBinary(string text) => text.Any(c => (char.IsControl(c) && c != '\t') || c == '\uFFFD');

    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(" ", bytes.ToArray().Select(b => b.ToString("X2")));
}
