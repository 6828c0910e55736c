using System.Text.RegularExpressions;

namespace Catapults.Study.Tests.Cells;

/// <summary>Compares two run folders file by file, byte for byte, with wall times masked.</summary>
internal static partial class RunFolders
{
    /// <summary>Relative paths of the files under <paramref name="folder"/>, '/'-separated, sorted; executors' logs and scheduler files left out.</summary>
    public static List<string> Files(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
        .Where(f => !f.StartsWith("logs/", StringComparison.Ordinal) && !f.StartsWith("slurm/", StringComparison.Ordinal) && !f.StartsWith("k8s/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>Asserts that <paramref name="actual"/> holds the same files as <paramref name="expected"/> with the same bytes, wall times aside.</summary>
    public static void AssertSame(string expected, string actual)
    {
        var files = Files(expected);
        Assert.That(Files(actual), Is.EqualTo(files), $"the files of {actual} and {expected}");
        foreach (var file in files)
        {
            byte[] a = File.ReadAllBytes(Path.Combine(expected, file)), b = File.ReadAllBytes(Path.Combine(actual, file));
            if (a.AsSpan().SequenceEqual(b)) continue;
            Assert.That(WithoutWallTimes(file, b), Is.EqualTo(WithoutWallTimes(file, a)), $"{file} differs between {expected} and {actual}");
        }
    }

    /// <summary>
    /// The text of a file with its wall times replaced by a placeholder: the "wallSeconds" of summary.json (which
    /// summary.json also checksums nothing of), and the wall-time cells of reports.
    /// </summary>
    private static string WithoutWallTimes(string file, byte[] bytes)
    {
        if (!(file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith(".md", StringComparison.Ordinal) || file.EndsWith(".csv", StringComparison.Ordinal)))
            return Convert.ToHexString(bytes);
        string text = System.Text.Encoding.UTF8.GetString(bytes);
        text = WallSeconds().Replace(text, "$1<wall>");
        text = Seconds().Replace(text, "<wall> s");
        // Reports end their per-run tables with the wall time in seconds (one decimal).
        return file.EndsWith(".md", StringComparison.Ordinal) ? WallColumn().Replace(text, "| <wall> |") : text;
    }

    [GeneratedRegex(@"(""wall\w*"":\s*)[-0-9.eE+]+")]
    private static partial Regex WallSeconds();

    [GeneratedRegex(@"\| [0-9]+\.[0-9] \|$", RegexOptions.Multiline)]
    private static partial Regex WallColumn();

    [GeneratedRegex(@"\b[0-9]+(\.[0-9]+)? s\b")]
    private static partial Regex Seconds();
}
