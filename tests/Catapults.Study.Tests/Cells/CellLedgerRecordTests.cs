using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellLedger on records written by hand: a record is this cell's only when index, label and configuration all match
/// (any one differing makes it foreign); a failed cell's reason is one line, prefixed "failed: "; and indices are
/// written as sorted compact ranges. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class CellLedgerRecordTests
{
    private static PlannedCell Cell(int index, string label) => new(index, label, CellJson.ToElement(new { Seed = 3, Rate = 0.1 }));

    [Test]
    public void ARecordOfAnotherIndexIsForeign()
    {
        using var temp = new TempDirectory();
        CellLedger.MarkFinished(temp.Path, Cell(1, "a"));
        var status = CellLedger.Inspect(temp.Path, Cell(0, "a"));
        Assert.That((status.Finished, status.Foreign), Is.EqualTo((false, true)));
        Assert.That(CellLedger.Inspect(temp.Path, Cell(1, "a")).Finished, Is.True);
    }

    [Test]
    public void ARecordOfAnotherLabelCopiedInIsForeign()
    {
        using var temp = new TempDirectory();
        CellLedger.MarkFinished(temp.Path, Cell(0, "b"));
        Directory.CreateDirectory(CellPlan.CellFolder(temp.Path, Cell(0, "a")));
        File.Copy(Path.Combine(CellPlan.CellFolder(temp.Path, Cell(0, "b")), CellRecord.FileName), Path.Combine(CellPlan.CellFolder(temp.Path, Cell(0, "a")), CellRecord.FileName));
        var status = CellLedger.Inspect(temp.Path, Cell(0, "a"));
        Assert.That((status.Finished, status.Foreign), Is.EqualTo((false, true)));
    }

    [Test]
    public void AFailedCellsReasonIsOneLinePrefixedFailed()
    {
        using var temp = new TempDirectory();
        CellLedger.MarkFailed(temp.Path, Cell(0, "a"), "the loss is NaN\nat step 4\r\nof 10");
        var status = CellLedger.Inspect(temp.Path, Cell(0, "a"));
        Assert.Multiple(() =>
        {
            Assert.That(status.Finished, Is.False);
            Assert.That(status.Missing, Is.False);
            Assert.That(status.Foreign, Is.False);
            Assert.That(status.Problem, Is.EqualTo("failed: the loss is NaN at step 4 of 10"));
        });
    }

    // A failed record written without a message (by hand, or by an older version) still says why it is not finished
    // (found by mutation testing, round 15B).
    [Test]
    public void AFailedRecordWithoutAMessageSaysNoReasonWasRecorded()
    {
        using var temp = new TempDirectory();
        var cell = Cell(0, "a");
        string path = Path.Combine(CellPlan.CellFolder(temp.Path, cell), CellRecord.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{{\"index\": 0, \"label\": \"a\", \"configurationDigest\": \"{cell.Digest}\", \"state\": \"Failed\"}}");
        var status = CellLedger.Inspect(temp.Path, cell);
        Assert.That((status.Finished, status.Foreign), Is.EqualTo((false, false)));
        Assert.That(status.Problem, Is.EqualTo("failed: no reason recorded"));
    }

    // A record that reads as JSON null is damage from outside, as a torn one is, not another plan's record: the cell
    // reruns, and the problem names the file (found by mutation testing, round 26C).
    [Test]
    public void ARecordThatIsJsonNullIsNotFinished()
    {
        using var temp = new TempDirectory();
        var cell = Cell(0, "a");
        string path = Path.Combine(CellPlan.CellFolder(temp.Path, cell), CellRecord.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "null");
        var status = CellLedger.Inspect(temp.Path, cell);
        Assert.That((status.Finished, status.Missing, status.Foreign), Is.EqualTo((false, false, false)));
        Assert.That(status.Problem, Is.EqualTo($"{path} is not a readable record (it holds JSON null)"));
    }

    // A record the filesystem will not hand over (here a link that points at itself: as root, permissions cannot be
    // used) is a problem to report, naming the file, and the cell runs again; it is neither missing nor trusted.
    [Test]
    public void ARecordThatCannotBeReadIsReportedByPath()
    {
        using var temp = new TempDirectory();
        var cell = Cell(0, "a");
        string path = Path.Combine(CellPlan.CellFolder(temp.Path, cell), CellRecord.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, path);
        var status = CellLedger.Inspect(temp.Path, cell);
        Assert.Multiple(() =>
        {
            Assert.That((status.Finished, status.Missing, status.Foreign), Is.EqualTo((false, false, false)));
            Assert.That(status.Problem, Does.StartWith($"{path} cannot be read ("));
            Assert.That(status.Problem!.Any(char.IsControl), Is.False, status.Problem);
        });
    }

    [Test]
    public void IndicesAreWrittenAsSortedCompactRanges()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CellLedger.Ranges(new[] { 9, 0, 1, 2, 3, 7, 10 }), Is.EqualTo("0-3, 7, 9-10"));
            Assert.That(CellLedger.Ranges(new[] { 5 }), Is.EqualTo("5"));
            Assert.That(CellLedger.Ranges(new[] { 4, 2 }), Is.EqualTo("2, 4"));
            Assert.That(CellLedger.Ranges(Array.Empty<int>()), Is.EqualTo(""));
        });
    }

    // A field given twice (a failed record with a second "state" that says finished) is damage, never a record to
    // trust (found by mutation testing, round 33B).
    [TestCase("\"state\": \"Failed\", \"state\": \"Finished\"")]
    public void ARecordWithARepeatedFieldIsNotReadable(string fields)
    {
        using var temp = new TempDirectory();
        var cell = Cell(0, "a");
        string path = Path.Combine(CellPlan.CellFolder(temp.Path, cell), CellRecord.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{{\"index\": 0, \"label\": \"a\", \"configurationDigest\": \"{cell.Digest}\", {fields}}}");
        var status = CellLedger.Inspect(temp.Path, cell);
        Assert.That((status.Finished, status.Missing, status.Foreign), Is.EqualTo((false, false, false)));
        Assert.That(status.Problem, Does.StartWith($"{path} is not a readable record ("));
    }
}
