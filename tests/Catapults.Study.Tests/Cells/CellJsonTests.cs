using System.Text.Json;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// CellJson, the cell files' conventions: non-ASCII text is written as itself (a plan.json stays readable), and NaN and
/// infinities are written as named strings, which the study's settings may hold. Found by mutation testing (round 33B).
/// </summary>
public sealed class CellJsonTests
{
    [Test]
    public void NonAsciiTextIsWrittenAsItself()
    {
        var plan = CellPlan.Create("smoke", null, new { Note = "η_crit é" }, new[] { ("a", new { Name = "größe" }) });
        Assert.That(JsonSerializer.Serialize(plan.Cells[0].Configuration, CellJson.Compact), Is.EqualTo("{\"name\":\"größe\"}"));
        Assert.That(plan.ToJson(), Does.Contain("\"note\": \"η_crit é\"").And.Contain("\"configuration\":{\"name\":\"größe\"}"));
    }

    [Test]
    public void NaNAndInfinityAreNamedStrings()
    {
        var element = CellJson.ToElement(new { Rate = double.NaN, Top = double.PositiveInfinity });
        Assert.That(element.GetRawText(), Is.EqualTo("{\"rate\":\"NaN\",\"top\":\"Infinity\"}"));
        var cell = new PlannedCell(0, "a", element);
        var read = CellPlan.ConfigurationOf<Rates>(cell);
        Assert.That((double.IsNaN(read.Rate), read.Top), Is.EqualTo((true, double.PositiveInfinity)));
    }

    private sealed record Rates(double Rate, double Top);
}
