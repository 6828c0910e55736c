using Catapults.ML.Data;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

public class CsvDatasetReaderTests : TemporaryFolderTests
{
    private string Write(string text)
    {
        var path = Temp.Combine("data.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void LastColumnIsTheRegressionTargetByDefault()
    {
        using var data = CsvDatasetReader.Read(Write("a,b,y\n1,2.5,3\r\n-4,5e-1,6\n\n"));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2.5f, -4f, 0.5f }));
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 3f, 6f }));
        Assert.That(data.Name, Is.EqualTo("data"));
    }

    // As pandas writes them: a name holding the separator is quoted, "" is a quote inside quotes, and numbers may be
    // quoted too. The fields used to be split at every comma, and "x,1" made two columns.
    [Test]
    public void QuotedFieldsMayHoldTheSeparatorAndQuotes()
    {
        var path = Write("\"x,1\", \"say \"\"hi\"\"\",y\n1,\"2.5\",3\n\"-4\" ,5e-1,6\n");
        using var data = CsvDatasetReader.Read(path, new CsvDatasetOptions { FeatureColumns = ["say \"hi\"", "x,1"] });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 2.5f, 1f, 0.5f, -4f }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 3f, 6f }));
    }

    // A header name with a line break in quotes (RFC 4180 allows it) used to be cut at the break and read as a row of
    // too few fields, the next line as another; the open quote itself is what is named.
    [Test]
    public void AQuotedFieldLeftOpenAtTheEndOfItsLineIsNamed()
    {
        var path = Write("\"x\n1\",y\n1,2\n");
        var e = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}: line 1 (byte 0), field 1: the quoted field is not closed on this line"));
        Assert.That(e.Message, Does.Contain("span lines"));
    }

    [Test]
    public void NamedColumnsAndClassIndexTargets()
    {
        var path = Write("label;x1;x2;skip\n2;0.5;1;9\n0;1.5;2;9\n");
        using var data = CsvDatasetReader.Read(path, new CsvDatasetOptions
        {
            Separator = ';', TargetColumns = ["label"], FeatureColumns = ["x2", "x1"], Targets = TargetKind.ClassIndex,
        });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 0.5f, 2f, 1.5f }));
        Assert.That(data.Targets.dtype, Is.EqualTo(torch.ScalarType.Int64));
        Assert.That(data.Targets.data<long>().ToArray(), Is.EqualTo(new[] { 2L, 0L }));
    }

    [Test]
    public void NoHeaderNamesColumnsByPosition()
    {
        using var data = CsvDatasetReader.Read(Write("1,2,3,4\n5,6,7,8\n"), new CsvDatasetOptions { HasHeader = false, TargetColumns = ["column3", "column4"] });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f, 5f, 6f }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 3f, 4f, 7f, 8f }));
    }

    // Excel's "CSV UTF-8" starts the file with a byte-order mark, which is not part of the first field.
    [Test]
    public void AByteOrderMarkAtTheStartIsNotPartOfTheFirstField()
    {
        var path = Temp.Combine("bom.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "a,b,y\n1,2,3\n4,x,6\n"u8]);
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path, new CsvDatasetOptions { FeatureColumns = ["a", "b"] }));
        Assert.That(ex!.Message, Does.Contain("line 3 (byte 15)").And.Contain("column 'b'"), "the columns were found by name, and offsets count the mark");

        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "1,2,3\n4,5,6\n"u8]);
        using var data = CsvDatasetReader.Read(path, new CsvDatasetOptions { HasHeader = false });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f, 4f, 5f }));
    }

    [Test]
    public void BadValuesNameFileLineByteAndColumn()
    {
        var path = Write("a,b,y\n1,2,3\n4,x7,6\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path));
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("line 3 (byte 12)").And.Contain("column 'b'").And.Contain("'x7'"));
        Assert.That(ex.ByteOffset, Is.EqualTo(12));

        ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,y\r\n1,2\r\nx,3\r\n")));
        Assert.That(ex!.Message, Does.Contain("line 3 (byte 10)"), "offsets count the carriage returns of CRLF line ends");

        ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,b,y\n1,NaN,3\n")));
        Assert.That(ex!.Message, Does.Contain("line 2").And.Contain("column 'b'").And.Contain("not a finite"));

        ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,b,y\n1,2\n")));
        Assert.That(ex!.Message, Does.Contain("line 2").And.Contain("2 fields; expected 3"));

        ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,y\n1,2.5\n"), new CsvDatasetOptions { Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.Contain("column 'y'").And.Contain("not a class index"));
        // A whole number past an int's range is no class index either, and the message gives the range.
        ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,y\n1,1e12\n"), new CsvDatasetOptions { Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.EndWith("column 'y': 1e12 is not a class index (a whole number from 0 to 2147483647)."));
    }

    [Test]
    public void MissingFileColumnOrRowsAreErrors()
    {
        var missing = Temp.Combine("none.csv");
        var fx = Assert.Throws<FileNotFoundException>(() => CsvDatasetReader.Read(missing));
        Assert.That(fx!.Message, Does.Contain(missing));
        var ax = Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read(Write("a,y\n1,2\n"), new CsvDatasetOptions { TargetColumns = ["z"] }));
        Assert.That(ax!.Message, Does.Contain("'z'").And.Contain("a, y"));
        // A byte-order mark inside a header name is shown, so the name does not read as the one asked for.
        var bom = Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read(Write("a,\uFEFFy\n1,2\n"), new CsvDatasetOptions { TargetColumns = ["y"] }));
        Assert.That(bom!.Message, Does.Contain("no target column 'y'; the columns are a, \\uFEFFy."));
        Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("a,y\n")));
        Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(Write("")));
    }

    [Test]
    public void AFolderIsNamedAsAFolderNotAsMissing()
    {
        var path = Temp.Combine("data.csv");
        Directory.CreateDirectory(path);
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"CSV: '{path}' is a folder; expected a file."));
        Assert.That(ex.FilePath, Is.EqualTo(path));

        var missing = Temp.Combine("missing.csv");
        Assert.That(Assert.Throws<FileNotFoundException>(() => CsvDatasetReader.Read(missing))!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void AnUndefinedTargetKindIsRefusedNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CsvDatasetReader.Read(Write("a,y\n1,2\n"), new CsvDatasetOptions { Targets = (TargetKind)77 }));
        Assert.That(ex!.Message, Does.StartWith("CsvDatasetOptions.Targets must be one of ").And.Not.Contain("\n"));
    }
}
