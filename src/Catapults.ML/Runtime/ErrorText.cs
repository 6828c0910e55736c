using System.Globalization;
using System.Text;

namespace Catapults.ML.Runtime;

/// <summary>
/// Shapes text that goes into one-line error messages: the first line of a libtorch or loader message (without the
/// C++ frames that follow it), and names from a file or a schema with their invisible characters made visible.
/// </summary>
public static class ErrorText
{
    /// <summary>The longest first line kept; libtorch can put a whole tensor's description on it.</summary>
    public const int MaximumLineLength = 200;

    /// <summary>The first line of <paramref name="message"/>, trimmed, and cut to <see cref="MaximumLineLength"/> characters with an ellipsis.</summary>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string line = message.Split('\n', 2)[0].Trim();
        return line.Length > MaximumLineLength ? line[..MaximumLineLength] + "…" : line;
    }

    /// <summary>
    /// <paramref name="exception"/>'s message without the " (Parameter 'name')" that <see cref="ArgumentException"/>
    /// appends: it names a C# parameter the user never sees.
    /// </summary>
    public static string MessageOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // ArgumentOutOfRangeException puts its "Actual value was …" line after the suffix.
        return exception is ArgumentException { ParamName: { } name }
            ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
    }

    /// <summary>The first line (see <see cref="FirstLine(string)"/>) of <see cref="MessageOf"/> <paramref name="exception"/>.</summary>
    public static string FirstLine(Exception exception) => FirstLine(MessageOf(exception));

    /// <summary>
    /// <paramref name="name"/> with control and format characters (a byte-order mark, a zero-width space) and the Unicode
    /// line and paragraph separators (which break a line where they are printed) written as
    /// <c>\uXXXX</c>: a column name holding one would otherwise read as the very name that was asked for and not found.
    /// </summary>
    public static string Visible(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Any(IsInvisible) ? string.Concat(name.Select(c => IsInvisible(c) ? $"\\u{(int)c:X4}" : c.ToString())) : name;
    }

    /// <summary>
    /// <paramref name="text"/> read from a file or a stream, as it may be quoted in a one-line message: invisible
    /// characters written as <see cref="Visible"/> writes them (so a terminal never receives a file's escape sequences or
    /// line breaks), and the result cut to <paramref name="maxLength"/> characters with an ellipsis (a field or a name in
    /// a hostile file can be megabytes long).
    /// </summary>
    public static string Excerpt(string text, int maxLength = DefaultExcerptLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var excerpt = new StringBuilder(Math.Min(text.Length, maxLength) + 1);
        foreach (char c in text)
        {
            string piece = IsInvisible(c) ? $"\\u{(int)c:X4}" : c.ToString();
            // A cut never splits an escape, nor a surrogate pair (half of one prints as a replacement character).
            if (excerpt.Length + piece.Length + (char.IsHighSurrogate(c) ? 1 : 0) > maxLength) return excerpt.Append('…').ToString();
            excerpt.Append(piece);
        }
        return excerpt.ToString();
    }

    /// <summary>The length <see cref="Excerpt"/> cuts to unless told otherwise.</summary>
    public const int DefaultExcerptLength = 60;

    /// <summary>
    /// <paramref name="message"/> as one line for a console: its line breaks as spaces, any other invisible character as
    /// <see cref="Visible"/> writes it, and the whole cut to <see cref="MaximumMessageLength"/> characters as
    /// <see cref="Excerpt"/> cuts. For the last step before printing: messages quote text from files, and some that
    /// other libraries write (a JSON property the type does not have) quote it whole, however long.
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Excerpt(message.ReplaceLineEndings(" ").Replace('\t', ' '), MaximumMessageLength);
    }

    /// <summary>The length <see cref="OneLine"/> cuts a message to: room for a few paths and excerpts, not for a file.</summary>
    public const int MaximumMessageLength = 1000;

    private static bool IsInvisible(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
