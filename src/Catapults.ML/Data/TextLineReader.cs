using System.Text;

namespace Catapults.ML.Data;

/// <summary>
/// Reads an ASCII/UTF-8 text file line by line (\n or \r\n), keeping each line's number and byte offset so that a
/// parse error can point at the exact place.
/// </summary>
internal static class TextLineReader
{
    public static IEnumerable<TextLine> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[1 << 16];
        int filled = 0, start = 0, number = 0;
        long bufferOffset = 0; // file offset of buffer[0]
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
            if (newline >= 0)
            {
                yield return Line(buffer, start, newline, ++number, bufferOffset + start);
                start = newline + 1;
                continue;
            }
            // No complete line left in the buffer: keep the partial line, grow if it fills the buffer, read more.
            Array.Copy(buffer, start, buffer, 0, filled - start);
            bufferOffset += start;
            filled -= start;
            start = 0;
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0) break;
            filled += read;
        }
        if (filled > 0) yield return Line(buffer, 0, filled, ++number, bufferOffset);
    }

    private static TextLine Line(byte[] buffer, int start, int end, int number, long offset)
    {
        if (end > start && buffer[end - 1] == '\r') end--;
        return new TextLine(number, offset, Encoding.UTF8.GetString(buffer, start, end - start));
    }
}
