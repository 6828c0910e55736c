using Catapults.ML.Data;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Found by mutation testing (5 Dec 2026): a CSV row with more fields than the header, and a number too large for
/// float32, and class-index targets named in two columns, were untested: accepting extra fields silently, letting 1e39
/// become +∞ in the tensor, or reading only the first of two class columns left the suite green.
/// </summary>
public sealed class CsvRowValueTests : TemporaryFolderTests
{
    private string Write(string text)
    {
        var path = Temp.Combine("rows.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void ARowWithMoreFieldsThanTheHeaderIsRefusedByLine()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,b,y\n1,2,3\n4,5,6,7\n")));
        Assert.That(ex!.Message, Does.Contain("line 3").And.Contain("has 4 fields; expected 3"));
    }

    [Test]
    public void ANumberBeyondFloat32IsRefusedByLineAndColumn()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,b,y\n1,2,3\n4,1e39,6\n")));
        Assert.That(ex!.Message, Does.Contain("line 3").And.Contain("column 'b'").And.Contain("not a finite float value"));
    }

    [Test]
    public void ClassIndexTargetsInTwoColumnsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read(Write("x,c1,c2\n0.5,1,0\n1.5,0,1\n"),
            new CsvDatasetOptions { TargetColumns = ["c1", "c2"], Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.Contain("exactly one target column"));
    }

    // The message promises "a whole number from 0 to 2147483647": the upper end itself is a class index.
    [Test]
    public void TheLargestClassIndexIsRead()
    {
        using var data = CsvDatasetReader.Read(Write("x,c\n0.5,2147483647\n1.5,0\n"),
            new CsvDatasetOptions { Targets = TargetKind.ClassIndex });
        Assert.That(data.Targets.data<long>().ToArray(), Is.EqualTo(new[] { 2147483647L, 0L }));
    }

    // Only one quoted part opens a field: after an empty "" the next quote is text, so the field is not a number
    // rather than silently read as the second part.
    [Test]
    public void ASecondQuotedPartAfterAnEmptyOneIsText()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,y\n\"\" \"5\",1\n")));
        Assert.That(ex!.Message, Does.EndWith("line 2 (byte 4), column 'a': '\"5\"' is not a number."));
    }

    // A header alone is refused at the end of the file, where the missing rows would have started.
    [Test]
    public void AHeaderWithoutRowsIsRefusedAtTheEndOfTheFile()
    {
        string path = Write("a,b,y\n\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"{Path.GetFullPath(path)}: the file has a header but no data rows."));
        Assert.That(ex.ByteOffset, Is.EqualTo(7), "\"a,b,y\\n\\n\" is 7 bytes");
    }

    // Found by mutation testing (round 24A): a line of spaces or a tab, as an editor leaves at the end of a file, is a
    // blank line like an empty one; reading it as a row of one field would refuse a file that is fine.
    [Test]
    public void ALineOfOnlySpacesOrTabsIsSkippedLikeAnEmptyLine()
    {
        using var data = CsvDatasetReader.Read(Write("a,y\n1,2\n   \n3,4\n\t\n"));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 3f }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 2f, 4f }));
    }
}
