using System.Text.RegularExpressions;

namespace Catapults.ML.Tests;

/// <summary>
/// docs/architecture.md names, for each folder of the engine, the layers it depends on. The review of 5 Dec 2026 found
/// six rows that named fewer than the code uses; this reads the page and the sources, so the map stays the code's.
/// </summary>
public sealed partial class ArchitectureMapTests
{
    // The page's layer names for the engine's folders; runtime sits below every layer and is allowed everywhere.
    private static readonly Dictionary<string, string> FolderOfLayer = new()
    {
        ["runtime"] = "Runtime", ["data"] = "Data", ["models"] = "Models", ["training"] = "Training", ["probes"] = "Probes",
        ["spectra"] = "Spectra", ["features"] = "Features", ["subspaces"] = "Subspaces", ["ensembles"] = "Ensembles",
        ["diagnostics"] = "Diagnostics", ["scaling"] = "Scaling", ["serialization"] = "Serialization",
    };

    [Test]
    public void EveryEngineFolderUsesOnlyTheLayersItsRowNames()
    {
        string root = RepositoryRoot();
        string engine = Path.Combine(root, "src", "Catapults.ML");
        var rows = File.ReadAllLines(Path.Combine(root, "docs", "architecture.md"))
            .Select(line => EngineRow().Match(line)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["folder"].Value, m => m.Groups["deps"].Value);
        // Runtime's row names its project path; it depends on no other layer, which the loop checks with an empty row.
        rows["Runtime"] = "";
        var folders = Directory.GetDirectories(engine).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        Assert.That(rows.Keys, Is.SupersetOf(folders), "every folder of the engine has a row");

        var wrong = new List<string>();
        foreach (var folder in folders)
        {
            var named = rows[folder!].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(d => d.Split(' ')[0]).Where(FolderOfLayer.ContainsKey).Select(d => FolderOfLayer[d]).Append("Runtime").Append(folder!).ToHashSet();
            var used = Directory.EnumerateFiles(Path.Combine(engine, folder!), "*.cs", SearchOption.AllDirectories)
                .SelectMany(file => EngineNamespace().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
                .Where(FolderOfLayer.ContainsValue).ToHashSet();
            var unnamed = used.Except(named).Order().ToList();
            if (unnamed.Count > 0) wrong.Add($"{folder} uses {string.Join(", ", unnamed)}, which its row does not name");
        }
        Assert.That(wrong, Is.Empty);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Catapults.sln"))) return dir.FullName;
        throw new InvalidOperationException("No Catapults.sln above " + TestContext.CurrentContext.TestDirectory);
    }

    // A row of the layer table whose folder is one of the engine's: | layer | `Folder/` | depends on | job |
    [GeneratedRegex(@"^\| [^|]+ \| `(?<folder>[A-Z][A-Za-z]+)/` \| (?<deps>[^|]*) \|")]
    private static partial Regex EngineRow();

    [GeneratedRegex(@"\bCatapults\.ML\.([A-Z][A-Za-z]+)")]
    private static partial Regex EngineNamespace();
}
