using System.Text.Json;
using Catapults.ML.Scaling;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>A slope fit as sweep.json and summary.json write it: an undefined standard error is null, as other undefined values are.</summary>
public class SlopeJsonTests
{
    [Test]
    public void ATwoPointFitWritesItsStandardErrorAsNullAndReadsItBack()
    {
        var fit = LogLogFit.Fit(new[] { 10.0, 100.0 }, new[] { 1.0, 3.0 });
        Assert.That(double.IsNaN(fit.SlopeStandardError), "two points leave no residual to estimate it from");
        string json = JsonSerializer.Serialize(new { fit }, SweepJson.Indented);
        Assert.That(json, Does.Contain("\"slopeStandardError\": null").And.Not.Contain("NaN"), json);
        string written = JsonDocument.Parse(json).RootElement.GetProperty("fit").GetRawText();
        var back = JsonSerializer.Deserialize<LogLogFit>(written, SweepJson.Indented)!;
        Assert.That(double.IsNaN(back.SlopeStandardError) && back.Slope == fit.Slope && back.Points == 2, json);
        // A file written before, with the string "NaN", reads back too.
        var old = JsonSerializer.Deserialize<LogLogFit>(written.Replace("null", "\"NaN\""), SweepJson.Indented)!;
        Assert.That(double.IsNaN(old.SlopeStandardError), Is.True);

        var three = LogLogFit.Fit(new[] { 10.0, 100.0, 1000.0 }, new[] { 1.0, 3.0, 8.0 });
        var again = JsonSerializer.Deserialize<LogLogFit>(JsonSerializer.Serialize(three, SweepJson.Compact), SweepJson.Compact)!;
        Assert.That(again.SlopeStandardError, Is.EqualTo(three.SlopeStandardError), "a finite one is written as it is");
    }
}
