using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// Found by mutation testing (5 Dec 2026), a fault no test saw: a finished record of a cell with the same index and label but another
/// configuration (another plan's cell) is foreign, never finished.
/// </summary>
public sealed class CellLedgerTests
{
    [Test]
    public void ARecordOfTheSameLabelWithAnotherConfigurationIsForeign()
    {
        using var temp = new TempDirectory();
        var ours = new PlannedCell(0, "seed0", CellJson.ToElement(new { Seed = 0, Rate = 0.1 }));
        var theirs = new PlannedCell(0, "seed0", CellJson.ToElement(new { Seed = 0, Rate = 0.2 }));
        Assert.That(theirs.Digest, Is.Not.EqualTo(ours.Digest));

        CellLedger.MarkFinished(temp.Path, theirs);
        var status = CellLedger.Inspect(temp.Path, ours);

        Assert.That(status.Finished, Is.False, "another configuration's result is not this cell's");
        Assert.That(status.Foreign, Is.True);
        Assert.That(CellLedger.Inspect(temp.Path, theirs).Finished, Is.True, "its own cell reads it as finished");
    }
}
