using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// merge with a cell whose record belongs to another plan's cell (copied in): the cell is not finished, so merge names
/// it among the failed cells and exits 2 rather than reading its files. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class MergeForeignRecordTests
{
    [Test]
    public void ACellWithAForeignRecordIsNamedAsNotFinished()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("foreign");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "2", "--steps", "1", "--step-ms", "0", "--out", dir).ExitCode, Is.EqualTo(0));
        foreach (var index in new[] { "0", "1" }) Assert.That(StudyCli.Run("run-cell", "--plan", dir, "--index", index).ExitCode, Is.EqualTo(0));
        var plan = CellPlan.Read(dir);
        File.Copy(Path.Combine(CellPlan.CellFolder(dir, plan.Cells[0]), CellRecord.FileName), Path.Combine(CellPlan.CellFolder(dir, plan.Cells[1]), CellRecord.FileName), overwrite: true);
        Assert.That(CellLedger.Inspect(dir, plan.Cells[1]).Foreign, Is.True);

        var (code, _, error) = StudyCli.Run("merge", "--plan", dir);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("1 of 2 cells").And.Contain("failed 1").And.Contain("belongs to another plan's cell"));
    }
}
