using System.Text;
using System.Text.RegularExpressions;

namespace Catapults.Packaging.Tests.Support;

/// <summary>
/// A Markdown file's C# examples (the README's, the package page's) as source files for an outside app, so that a build
/// of the app checks that what a reader copies compiles against the packages. Each ```csharp block becomes a method of
/// its own. Its own using directives, and only those, go to the top of its file: a reader who copies one block gets
/// everything it needs besides the app's implicit usings (an example that needs another package, such as
/// Microsoft.ML.FastTree, says so). The names
/// a block uses without declaring them (a model, a data set, an MLContext) are its parameters, declared in an HTML
/// comment on the line above the block, invisible in the rendered README:
/// <c>&lt;!-- example parameters: Microsoft.ML.MLContext ml, Microsoft.ML.IDataView train --&gt;</c>. Their types are
/// written in full so that they import nothing the block itself does not. <c>#line</c> directives make the compiler
/// report each error at its line in the Markdown file.
/// </summary>
public static partial class ReadmeExamples
{
    private const string ParametersPrefix = "<!-- example parameters:";

    /// <summary>One ```csharp block: its first line's number in the file (1-based), its lines and its parameter list.</summary>
    public sealed record Example(int FirstLine, IReadOnlyList<string> Lines, string Parameters);

    /// <summary>The ```csharp blocks of the Markdown file <paramref name="readmePath"/>, in order.</summary>
    public static IReadOnlyList<Example> Parse(string readmePath)
    {
        string[] lines = File.ReadAllLines(readmePath);
        var examples = new List<Example>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            string parameters = "";
            string above = i > 0 ? lines[i - 1].Trim() : "";
            if (above.StartsWith(ParametersPrefix, StringComparison.Ordinal) && above.EndsWith("-->", StringComparison.Ordinal))
                parameters = above[ParametersPrefix.Length..^"-->".Length].Trim();
            int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            if (end < 0) throw new FormatException($"{readmePath} line {i + 1}: the ```csharp block is never closed.");
            examples.Add(new Example(i + 2, lines[(i + 1)..end], parameters));
            i = end;
        }
        return examples;
    }

    /// <summary>
    /// Writes one source file per example of the Markdown file <paramref name="readmePath"/> into
    /// <paramref name="appDir"/>, its classes named <paramref name="prefix"/>1, 2, …; returns how many it wrote.
    /// </summary>
    public static int WriteSources(string readmePath, string appDir, string prefix)
    {
        var examples = Parse(readmePath);
        string quoted = readmePath.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        for (int e = 0; e < examples.Count; e++)
        {
            var example = examples[e];
            var body = new List<(int Line, string Text)>();
            var usings = new List<(int Line, string Text)>();
            for (int i = 0; i < example.Lines.Count; i++)
            {
                string text = example.Lines[i];
                if (UsingDirective().IsMatch(text)) usings.Add((example.FirstLine + i, text));
                else body.Add((example.FirstLine + i, text));
            }
            var source = new StringBuilder();
            // Each line carries its place in the Markdown file, so a compiler error points there.
            void AppendAt(int line, string text) => source.Append($"#line {line} \"{quoted}\"\n{text}\n");
            foreach (var (line, text) in usings) AppendAt(line, text);
            source.Append("#line default\n");
            source.Append($"internal static class {prefix}{e + 1}\n{{\n    public static void Run({example.Parameters})\n    {{\n");
            foreach (var (line, text) in body) AppendAt(line, text);
            source.Append("#line default\n    }\n}\n");
            File.WriteAllText(Path.Combine(appDir, $"{prefix}{e + 1}.cs"), source.ToString());
        }
        return examples.Count;
    }

    // A namespace or static import (not a using statement such as "using var x = …" or "using Tensor z = …").
    [GeneratedRegex(@"^using (static )?[A-Za-z_][\w.]*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();
}
