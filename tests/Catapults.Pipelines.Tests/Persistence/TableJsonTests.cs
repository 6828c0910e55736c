using System.Text.Json.Nodes;
using Catapults.Pipelines.Persistence;
using Microsoft.Data.Analysis;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// Report tables written as JSON read back with the same values, nulls and non-finite numbers (written as the strings
/// "NaN", "Infinity" and "-Infinity", each its own sign), and columns that do not make a table are refused as damaged
/// data. Found by mutation testing (6 Dec 2026). A single row without columns is refused, and a number written as a
/// string is read in the invariant culture whatever the thread's (round 14B).
/// </summary>
[TestFixture]
public sealed class TableJsonTests
{
    [Test]
    public void NonFiniteNumbersAndNullsReadBackAsWritten()
    {
        var table = new DataFrame(
            new DoubleDataFrameColumn("d", new double?[] { 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, null }),
            new SingleDataFrameColumn("f", new float?[] { -0.25f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, null }));
        var json = TableJson.Write(table);
        var written = json["columns"]![0]!["values"]!.AsArray().Select(v => v?.ToJsonString()).ToArray();
        Assert.That(written, Is.EqualTo(new[] { "1.5", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", null }));

        var read = TableJson.Read(JsonNode.Parse(json.ToJsonString())!.AsObject(), "report.json");
        Assert.Multiple(() =>
        {
            Assert.That(read.Columns["d"].Cast<double?>(), Is.EqualTo(new double?[] { 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, null }));
            Assert.That(read.Columns["f"].Cast<float?>(), Is.EqualTo(new float?[] { -0.25f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, null }));
        });
    }

    [Test]
    public void ColumnsOfDifferentLengthsAreRefusedAsDamagedData()
    {
        var json = JsonNode.Parse("""
            {"rows": 2, "columns": [
              {"name": "a", "type": "Int32", "values": [1, 2]},
              {"name": "b", "type": "Int32", "values": [1]}]}
            """)!.AsObject();
        var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(json, "report.json: tables"));
        Assert.That(ex!.Message, Is.EqualTo("report.json: tables: column 'b' holds 1 values, but the table declares 2 rows."));
    }

    // Found by mutation round 11B: the declared count was never read, so columns that all lost their last values loaded
    // as a shorter table.
    [TestCase("""{"rows": 3, "columns": [{"name": "a", "type": "Int32", "values": [1, 2]}, {"name": "b", "type": "Double", "values": [0.5, 1.5]}]}""",
        "report.json: tables: column 'a' holds 2 values, but the table declares 3 rows.", TestName = "Columns that all lost a value are refused")]
    [TestCase("""{"rows": 2, "columns": []}""", "report.json: tables: the table declares 2 rows but has no columns.", TestName = "Rows without columns are refused")]
    [TestCase("""{"rows": 1, "columns": []}""", "report.json: tables: the table declares 1 rows but has no columns.", TestName = "One row without columns is refused")]
    [TestCase("""{"columns": [{"name": "a", "type": "Int32", "values": [1]}]}""", "report.json: tables: the field 'rows' is missing", TestName = "A table without its row count is refused")]
    [TestCase("""{"rows": -1, "columns": []}""", "report.json: tables: field 'rows' is -1, expected a count (0 or more).", TestName = "A negative row count is refused")]
    public void TheDeclaredRowCountMustMatchEveryColumn(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(JsonNode.Parse(text)!.AsObject(), "report.json: tables"));
        Assert.That(ex!.Message, Does.StartWith(expected));
    }

    [Test]
    public void AnEmptyTableReadsBack()
    {
        var read = TableJson.Read(JsonNode.Parse(TableJson.Write(new DataFrame()).ToJsonString())!.AsObject(), "report.json: tables");
        Assert.That((read.Columns.Count, read.Rows.Count), Is.EqualTo((0, 0L)));
    }

    [Test]
    public void ANumberWrittenAsAStringIsReadInTheInvariantCulture()
    {
        var json = JsonNode.Parse("""{"rows": 2, "columns": [{"name": "d", "type": "Double", "values": ["1.5", "-2.25"]}]}""")!.AsObject();
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            // In de-DE "1.5" would be 15 ('.' groups thousands).
            Assert.That(TableJson.Read(json, "report.json: tables").Columns["d"].Cast<double?>(), Is.EqualTo(new double?[] { 1.5, -2.25 }));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    // A value that is no number, and two columns of one name, are damaged data named by the table (mutants 22A-A17 and
    // 22A-A18 let .NET's FormatException and Microsoft.Data.Analysis's ArgumentException escape, naming nothing).
    [Test]
    public void AStringThatIsNoNumberAndARepeatedColumnNameAreRefusedAsDamagedData()
    {
        var word = JsonNode.Parse("""{"rows": 2, "columns": [{"name": "d", "type": "Double", "values": [1.5, "zz"]}]}""")!.AsObject();
        var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(word, "report.json: tables"));
        Assert.That(ex!.Message, Is.EqualTo("report.json: tables: column 'd', row 1 must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \"zz\"."));

        var twice = JsonNode.Parse("""
            {"rows": 1, "columns": [
              {"name": "a", "type": "Int32", "values": [1]},
              {"name": "a", "type": "Int32", "values": [2]}]}
            """)!.AsObject();
        ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(twice, "report.json: tables"));
        Assert.That(ex!.Message, Does.StartWith("report.json: tables: the columns do not make a table ("));
    }

    // A value of another JSON kind in a number column (a flag, an array, an object) is damaged data named by the
    // table, column and row, not the JSON node's own InvalidOperationException naming nothing (mutant 30B-M01).
    [TestCase("Double", "true")]
    [TestCase("Double", "[1.5]")]
    [TestCase("Single", "{\"v\": 1.5}")]
    public void AValueOfAnotherKindInANumberColumnIsRefusedNamingTheColumnAndRow(string type, string value)
    {
        var json = JsonNode.Parse($$"""{"rows": 2, "columns": [{"name": "d", "type": "{{type}}", "values": [1.5, {{value}}]}]}""")!.AsObject();
        var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(json, "report.json: tables"));
        Assert.That(ex!.Message, Is.EqualTo(
            $"report.json: tables: column 'd', row 1 must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {JsonNode.Parse(value)!.ToJsonString()}."));
    }

    // A column that is not an object, a column of a type this version does not read, and columns that are not an
    // array are refused naming the table and what was expected (mutants 30B-M13, M14 and M15: a JSON node's exception
    // naming nothing, a column of unknown type read as text, and "must be an object" of the columns).
    [TestCase("""{"rows": 1, "columns": [5]}""", "report.json: tables: columns[0] is not a JSON object.")]
    [TestCase("""{"rows": 1, "columns": [{"name": "a", "type": "Decimal", "values": [1]}]}""",
        "report.json: tables: column 'a' has type 'Decimal'; expected Boolean, Int32, Int64, Single, Double or String.")]
    [TestCase("""{"rows": 1, "columns": {"a": [1]}}""", "report.json: tables: field 'columns' must be an array, got {\"a\":[1]}.")]
    [TestCase("""{"rows": 1, "columns": [{"name": "a", "type": "Int32", "values": 1}]}""", "report.json: tables: column 'a': field 'values' must be an array, got 1.")]
    public void AColumnThatIsNoColumnThisVersionReadsIsRefusedNamingIt(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(JsonNode.Parse(text)!.AsObject(), "report.json: tables"));
        Assert.That(ex!.Message, Is.EqualTo(expected));
    }

    // Bug (mutation round 30B): the column's name and type come from the file, and are quoted raw in every message
    // about the column, where the manifest's text is quoted as ErrorText.Excerpt quotes it (control characters shown,
    // long text cut).
    // Found by mutation testing (round 30B) as a bug, fixed on 7 Dec 2026: a column's name and type from the file were
    // quoted raw, so a terminal escape or a line break reached the console, and a long name was quoted whole.
    [Test]
    public void AColumnsNameAndTypeFromTheFileAreQuotedSafely()
    {
        string hostile = "\u001b[2J\n" + new string('x', 10_000);
        foreach (var column in new[]
        {
            new JsonObject { ["name"] = hostile, ["type"] = "Int32", ["values"] = new JsonArray(1, 2) },
            new JsonObject { ["name"] = "a", ["type"] = hostile, ["values"] = new JsonArray(1) },
        })
        {
            var json = new JsonObject { ["rows"] = 1, ["columns"] = new JsonArray(column) };
            var ex = Assert.Throws<InvalidDataException>(() => TableJson.Read(json, "report.json: tables"));
            Assert.That(ex!.Message.Any(char.IsControl), Is.False, ex.Message[..80]);
            Assert.That(ex.Message, Has.Length.LessThan(1000));
        }
    }
}
