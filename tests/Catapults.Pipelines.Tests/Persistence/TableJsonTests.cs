using System.Text.Json.Nodes;
using Catapults.Pipelines.Persistence;
using Microsoft.Data.Analysis;

namespace Catapults.Pipelines.Tests.Persistence;

/// <summary>
/// Report tables written as JSON read back with the same values, nulls and non-finite numbers (written as the strings
/// "NaN", "Infinity" and "-Infinity", each its own sign), and columns that do not make a table are refused as damaged
/// data. Found by mutation testing (6 Dec 2026).
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
        Assert.That(ex!.Message, Does.StartWith("report.json: tables: the columns do not make a table"));
    }
}
