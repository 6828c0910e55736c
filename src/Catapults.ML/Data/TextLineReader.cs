using System.Text;

namespace Catapults.ML.Data;

/// <summary>
/// Reads an ASCII/UTF-8 text file line by line (\n or \r\n), keeping each line's number and byte offset so that a
/// parse error can point at the exact place. A byte-order mark at the start of the file is dropped.
/// </summary>
internal static class TextLineReader
{
    /// <summary>
    /// The longest line read, in bytes (64 MiB), without its \n. The lists the loaders read have lines of a few
    /// hundred bytes, and a CSV line this long would hold millions of values; a longer one means the file is not a
    /// text list (a binary or sparse file, or a list with no newlines), and reading on would only grow the buffer.
    /// </summary>
    public const int MaxLineBytes = 64 << 20;

    /// <summary>Lines of <paramref name="path"/>, each at most <paramref name="maxLineBytes"/> bytes long.</summary>
    /// <exception cref="DatasetFormatException">A line is longer than <paramref name="maxLineBytes"/> bytes.</exception>
    public static IEnumerable<TextLine> ReadLines(string path, int maxLineBytes = MaxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLineBytes, Array.MaxLength - 1);
        return Read(path, maxLineBytes);
    }

    private static IEnumerable<TextLine> Read(string path, int maxLineBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[Math.Min(1 << 16, maxLineBytes + 1)];
        int filled = 0, start = 0, number = 0;
        long bufferOffset = 0; // file offset of buffer[0]
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
            if (newline >= 0)
            {
                if (newline - start > maxLineBytes) throw TooLong(path, number + 1, bufferOffset + start, maxLineBytes);
                yield return Line(buffer, start, newline, ++number, bufferOffset + start);
                start = newline + 1;
                continue;
            }
            // No complete line left in the buffer: keep the partial line, grow if it fills the buffer, read more.
            Array.Copy(buffer, start, buffer, 0, filled - start);
            bufferOffset += start;
            filled -= start;
            start = 0;
            if (filled > maxLineBytes) throw TooLong(path, number + 1, bufferOffset, maxLineBytes);
            // One byte past the limit is room enough to see that a line is too long; doubling past it could wrap.
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, maxLineBytes + 1L));
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
        }
        if (filled > 0) yield return Line(buffer, 0, filled, ++number, bufferOffset);
    }

    private static DatasetFormatException TooLong(string path, int number, long offset, int maxLineBytes) =>
        new(path, $"{path}: line {number} (byte {offset:N0}) is longer than {maxLineBytes:N0} bytes; this is not a text list " +
            $"({FileFormatSniffer.DescribeFile(path)}).", offset);

    private static TextLine Line(byte[] buffer, int start, int end, int number, long offset)
    {
        if (end > start && buffer[end - 1] == '\r') end--;
        // A UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one) is not part of the first field; the offset stays the file's.
        if (number == 1 && buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8))
            return new TextLine(number, offset, Encoding.UTF8.GetString(buffer, start + 3, end - start - 3));
        return new TextLine(number, offset, Encoding.UTF8.GetString(buffer, start, end - start));
    }
}
