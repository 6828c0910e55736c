using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// merge names at most 20 failed cells, and at most 20 missing cells that a task has taken (their holder's description
/// is there), then says how many more there are; exactly 20 need no such line. Found by mutation testing (rounds 11B
/// and 15B).
/// </summary>
public sealed class MergeCellListTests
{
    [TestCase(20, 0)]
    [TestCase(22, 2)]
    public void FailedCellsBeyondTwentyAreCountedNotListed(int cells, int more) =>
        AssertListed(cells, more, "failed", ": failed: boom",
            (dir, cell) => CellLedger.MarkFailed(dir, cell, "boom"));

    [TestCase(20, 0)]
    [TestCase(22, 2)]
    public void TakenCellsBeyondTwentyAreCountedNotListed(int cells, int more) =>
        AssertListed(cells, more, "taken", ": taken by process 7 on node3, and not released",
            (dir, cell) =>
            {
                Directory.CreateDirectory(Path.Combine(dir, CellLock.FolderName));
                File.WriteAllText(Path.ChangeExtension(CellLock.PathOf(dir, cell), ".owner"), "process 7 on node3\n");
            });

    // Plans `cells` smoke cells, puts each in the state `mark` leaves, and checks merge's lines: 20 cells named with
    // `lineEnd` in their line, then "… and N more <kind> cells." when there are more.
    private static void AssertListed(int cells, int more, string kind, string lineEnd, Action<string, PlannedCell> mark)
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine(kind);
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", $"{cells}", "--steps", "1", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        foreach (var cell in CellPlan.Read(dir).Cells) mark(dir, cell);

        var (code, _, error) = StudyCli.Run("merge", "--plan", dir);
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Count(l => l.StartsWith("cell ", StringComparison.Ordinal) && l.Contains(lineEnd, StringComparison.Ordinal)), Is.EqualTo(20));
        var tail = lines.Where(l => l.Contains($"more {kind} cells", StringComparison.Ordinal)).ToArray();
        Assert.That(tail, Is.EqualTo(more == 0 ? Array.Empty<string>() : new[] { $"… and {more} more {kind} cells." }));
    }
}
