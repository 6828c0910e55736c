using Catapults.Study.Infrastructure;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellLedger on a run folder where cells never started (no cells folder at all, as after a crash before the first
/// cell) and on one whose record path is blocked for every reader at once. Found by mutation testing (round 11B).
/// </summary>
public sealed class CellLedgerUnstartedCellTests
{
    private static CellPlan Plan(int cells) =>
        CellPlan.Create("smoke", null, new { }, Enumerable.Range(0, cells).Select(i => ($"cell{i:D6}", new { Index = i, Steps = 5 })));

    // A missing cells folder means the cell never ran: missing, with no problem to report, so it simply runs.
    [Test]
    public void ACellWhoseFolderWasNeverMadeIsMissingWithoutAProblem()
    {
        using var temp = new TempDirectory();
        var plan = Plan(3);
        var statuses = CellLedger.InspectAll(temp.Path, plan);
        Assert.That(statuses.Select(s => s.Cell.Index), Is.EqualTo(new[] { 0, 1, 2 }));
        foreach (var status in statuses)
        {
            Assert.That(status.Problem, Is.Null, status.Cell.Label);
            Assert.That((status.Missing, status.Finished, status.Foreign), Is.EqualTo((true, false, false)), status.Cell.Label);
        }
    }

    // Cell 1 finished and cell 2 never started (its folder missing): only cell 2 is missing.
    [Test]
    public void AfterACrashOnlyTheCellsWithoutARecordAreMissing()
    {
        using var temp = new TempDirectory();
        var plan = Plan(3);
        CellLedger.MarkFinished(temp.Path, plan.Cells[1]);
        Directory.CreateDirectory(CellPlan.CellFolder(temp.Path, plan.Cells[0]));
        var statuses = CellLedger.InspectAll(temp.Path, plan);
        Assert.That(statuses.Select(s => s.Missing), Is.EqualTo(new[] { true, false, true }));
        Assert.That(statuses.Select(s => s.Finished), Is.EqualTo(new[] { false, true, false }));
        Assert.That(statuses.Select(s => s.Problem), Is.All.Null);
    }

    // InspectAll reads in parallel, but the refusal reaches the caller as Inspect gives it, not wrapped.
    [Test]
    public void AFolderAtARecordsPathIsRefusedUnwrappedByInspectAll()
    {
        using var temp = new TempDirectory();
        var plan = Plan(4);
        Directory.CreateDirectory(Path.Combine(CellPlan.CellFolder(temp.Path, plan.Cells[2]), CellRecord.FileName));
        var ex = Assert.Throws<ConfigurationException>(() => CellLedger.InspectAll(temp.Path, plan));
        Assert.That(ex!.Message, Does.Contain("is a folder").And.Contain("cell 2"));
    }
}
