using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// merge lists at most 20 failed cells by name, then says how many more there are; exactly 20 need no such line.
/// Found by mutation testing (round 11B).
/// </summary>
public sealed class MergeFailedCellListTests
{
    [TestCase(20, 0)]
    [TestCase(22, 2)]
    public void FailedCellsBeyondTwentyAreCountedNotListed(int failedCells, int more)
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("failed");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", $"{failedCells}", "--steps", "1", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        var plan = CellPlan.Read(dir);
        foreach (var cell in plan.Cells) CellLedger.MarkFailed(dir, cell, "boom");

        var (code, _, error) = StudyCli.Run("merge", "--plan", dir);
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Count(l => l.StartsWith("cell ", StringComparison.Ordinal) && l.EndsWith(": failed: boom", StringComparison.Ordinal)), Is.EqualTo(20));
        var tail = lines.Where(l => l.Contains("more failed cells", StringComparison.Ordinal)).ToArray();
        Assert.That(tail, Is.EqualTo(more == 0 ? Array.Empty<string>() : new[] { $"… and {more} more failed cells." }));
    }
}
