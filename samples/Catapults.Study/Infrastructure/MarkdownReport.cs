using Spectre.Console;

namespace Catapults.Study.Infrastructure;

/// <summary>Builds an experiment's report.md (headings, paragraphs, tables, images) and the matching console tables.</summary>
public sealed class MarkdownReport(string title)
{
    private readonly StringBuilder _text = new($"# {title}\n\n");

    /// <summary>Adds a heading.</summary>
    public MarkdownReport Heading(string text) { _text.Append("## ").Append(text).Append("\n\n"); return this; }

    /// <summary>Adds a paragraph.</summary>
    public MarkdownReport Paragraph(string text) { _text.Append(text).Append("\n\n"); return this; }

    /// <summary>Adds a table.</summary>
    public MarkdownReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _text.Append("| ").Append(string.Join(" | ", header)).Append(" |\n|");
        foreach (var _ in header) _text.Append("---|");
        _text.Append('\n');
        foreach (var r in rows) _text.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        _text.Append('\n');
        return this;
    }

    /// <summary>Adds an image (a path relative to the report).</summary>
    public MarkdownReport Image(string alt, string relativePath) { _text.Append($"![{alt}]({relativePath})\n\n"); return this; }

    /// <summary>
    /// Appends an image and its caption (also its alternative text) to a report written as plain text, each a paragraph.
    /// </summary>
    public static void AppendFigure(StringBuilder text, string relativePath, string caption) =>
        text.Append("![").Append(caption).Append("](").Append(relativePath).Append(")\n\n").Append(caption).Append("\n\n");

    /// <summary>Writes report.md into <paramref name="directory"/>.</summary>
    public string Write(string directory)
    {
        string path = Path.Combine(directory, "report.md");
        AtomicFile.WriteText(path, _text.ToString());
        return path;
    }

    /// <summary>Prints a table on the console (Spectre.Console).</summary>
    public static void Print(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Logs and pipes get the plain markdown table: nothing wrapped, nothing cut at 80 columns.
            Console.WriteLine(new MarkdownReport("x").Table(header, rows)._text.ToString()[5..].TrimEnd());
            return;
        }
        var table = new Table();
        foreach (var h in header) table.AddColumn(Spectre.Console.Markup.Escape(h));
        foreach (var r in rows) table.AddRow(r.Select(Spectre.Console.Markup.Escape).ToArray());
        Spectre.Console.AnsiConsole.Write(table);
    }
}
