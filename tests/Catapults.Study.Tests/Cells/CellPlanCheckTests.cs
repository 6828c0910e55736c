using System.Text.RegularExpressions;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>The plan's checks: unique labels, cells numbered in order, and merge naming a single missing cell. Found by mutation testing (6 Dec 2026).</summary>
public sealed class CellPlanCheckTests
{
    private static IEnumerable<(string, object)> Cells(params string[] labels) => labels.Select(l => (l, (object)new { Name = l }));

    // Two cells of one label would share one folder: Create refuses it (mutant C4 let it through).
    [Test]
    public void TwoCellsWithOneLabelAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => CellPlan.Create("smoke", null, new { }, Cells("a", "b", "a")));
        Assert.That(ex!.Message, Does.StartWith("cells 0 and 2 share the label 'a'."));
    }

    // Cells are numbered 0, 1, … in order: a plan.json whose first cell says index 7 is refused by name (mutant C2).
    [Test]
    public void APlanWhoseCellsAreNotNumberedInOrderIsRefused()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("plan");
        Directory.CreateDirectory(dir);
        string json = CellPlan.Create("smoke", null, new { }, Cells("a", "b")).ToJson();
        var edited = new Regex("\"index\":0").Replace(json, "\"index\":7", 1);
        Assert.That(edited, Is.Not.EqualTo(json));
        File.WriteAllText(CellPlan.PathIn(dir), edited);
        var ex = Assert.Throws<ConfigurationException>(() => CellPlan.Read(dir));
        Assert.That(ex!.Message, Does.Contain("index 7"));
    }

    // merge names every missing cell by index, a single one too (mutant M2 listed missing cells only when two or more).
    [Test]
    public void MergeNamesASingleMissingCellByIndex()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("one-missing");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "3", "--steps", "1", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        foreach (var index in new[] { "0", "2" }) Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", index).ExitCode, Is.EqualTo(0));
        var (code, _, error) = StudyCli.Run("merge", "--plan", dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("1 of 3 cells").And.Contain("missing 1"));
    }
}
