using System.Text.Json;
using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): a fit through two points has no standard error (NaN), which the sweep files
/// write as null, as every undefined value of the study; the sweep settings allow named literals, so writing the
/// number as it is would give the string "NaN" instead, and no engine test read the JSON.
/// </summary>
public sealed class LogLogFitJsonTests
{
    [Test]
    public void AnUndefinedStandardErrorIsWrittenAsNullAndReadBackAsNaN()
    {
        var fit = LogLogFit.Fit(new[] { 1.0, 10 }, new[] { 2.0, 20 });
        Assert.That(fit.SlopeStandardError, Is.NaN);
        string json = JsonSerializer.Serialize(fit, SweepJson.Compact);
        Assert.That(json, Does.Contain("\"slopeStandardError\":null"));
        var back = JsonSerializer.Deserialize<LogLogFit>(json, SweepJson.Compact)!;
        Assert.That(back.SlopeStandardError, Is.NaN);
        Assert.That((back.Slope, back.Points), Is.EqualTo((1.0, 2)));
    }

    // Any non-finite standard error is written as null, an infinite one included (the JSON writer refuses ∞ as a number).
    // Found by mutation testing (round 15A): a converter that wrote every non-NaN value as a number passed every test.
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void AnInfiniteStandardErrorIsWrittenAsNull(double se)
    {
        string json = JsonSerializer.Serialize(new LogLogFit(1.5, 0.25, se, 0.9, 3), SweepJson.Compact);
        Assert.That(json, Does.Contain("\"slopeStandardError\":null"));
        Assert.That(json, Does.Contain("\"slope\":1.5"));
    }

    [Test]
    public void ADefinedStandardErrorIsWrittenAsItsNumber()
    {
        // Points (0, 0), (1, 1), (2, 3) in log space: SE = √(SSE/(n−2)/Suu) = √((1/6)/1/2).
        var fit = LogLogFit.Fit(new[] { 1.0, 10, 100 }, new[] { 1.0, 10, 1000 });
        var back = JsonSerializer.Deserialize<LogLogFit>(JsonSerializer.Serialize(fit, SweepJson.Indented), SweepJson.Compact)!;
        Assert.That(back.SlopeStandardError, Is.EqualTo(Math.Sqrt(1.0 / 12)).Within(1e-12));
    }
}
