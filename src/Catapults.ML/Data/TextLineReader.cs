using System.Text;

namespace Catapults.ML.Data;

/// <summary>One line of a text file with its 1-based number and the byte offset where it starts.</summary>
internal readonly record struct TextLine(int Number, long ByteOffset, string Text);

/// <summary>
/// Reads an ASCII/UTF-8 text file line by line (\n or \r\n), keeping each line's number and byte offset so that a
/// parse error can point at the exact place.
/// </summary>
internal static class TextLineReader
{
    public static IEnumerable<TextLine> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new List<byte>(256);
        long offset = 0, lineStart = 0;
        int number = 0;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            offset++;
            if (b == '\n')
            {
                int length = buffer.Count > 0 && buffer[^1] == '\r' ? buffer.Count - 1 : buffer.Count;
                yield return new TextLine(++number, lineStart, Encoding.UTF8.GetString(buffer.ToArray(), 0, length));
                buffer.Clear();
                lineStart = offset;
            }
            else
            {
                buffer.Add((byte)b);
            }
        }
        if (buffer.Count > 0)
        {
            int length = buffer[^1] == '\r' ? buffer.Count - 1 : buffer.Count;
            yield return new TextLine(++number, lineStart, Encoding.UTF8.GetString(buffer.ToArray(), 0, length));
        }
    }
}
