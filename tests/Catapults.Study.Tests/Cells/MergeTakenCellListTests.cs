using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// merge names at most 20 missing cells that a task has taken (their holder's description is there), then says how
/// many more there are; exactly 20 need no such line. Found by mutation testing (round 15B).
/// </summary>
public sealed class MergeTakenCellListTests
{
    [TestCase(20, 0)]
    [TestCase(22, 2)]
    public void TakenCellsBeyondTwentyAreCountedNotListed(int takenCells, int more)
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("taken");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", $"{takenCells}", "--steps", "1", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        var plan = CellPlan.Read(dir);
        Directory.CreateDirectory(Path.Combine(dir, CellLock.FolderName));
        foreach (var cell in plan.Cells)
            File.WriteAllText(Path.ChangeExtension(CellLock.PathOf(dir, cell), ".owner"), "process 7 on node3\n");

        var (code, _, error) = StudyCli.Run("merge", "--plan", dir);
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Count(l => l.StartsWith("cell ", StringComparison.Ordinal) && l.Contains(": taken by process 7 on node3, and not released", StringComparison.Ordinal)), Is.EqualTo(20));
        var tail = lines.Where(l => l.Contains("more taken cells", StringComparison.Ordinal)).ToArray();
        Assert.That(tail, Is.EqualTo(more == 0 ? Array.Empty<string>() : new[] { $"… and {more} more taken cells." }));
    }
}
