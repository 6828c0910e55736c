using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// MarkdownReport.Table writes a table a markdown renderer shows as one: the separator row has a cell under every
/// header cell. Found by mutation testing (7 Dec 2026, round 27B): the report tests read the rows, not the separator.
/// </summary>
public sealed class MarkdownReportTests
{
    [Test]
    public void ATableHasASeparatorCellUnderEveryHeaderCell()
    {
        using var temp = new TempDirectory();
        string path = new MarkdownReport("Batch sweep")
            .Table(new[] { "b", "η", "test loss" }, new[] { new[] { "10", "0.1", "0.25" } })
            .Write(temp.Path);
        Assert.That(File.ReadAllText(path), Is.EqualTo("# Batch sweep\n\n| b | η | test loss |\n|---|---|---|\n| 10 | 0.1 | 0.25 |\n\n"));
    }
}
