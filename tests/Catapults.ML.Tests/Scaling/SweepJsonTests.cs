using System.Text.Json;
using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Sweep files refuse a field their type does not have: a damaged name would otherwise be dropped and its field read as
/// the default. Found by mutation testing (round 15A): settings that skipped unknown fields passed every test.
/// </summary>
public sealed class SweepJsonTests
{
    [Test]
    public void AnUnknownFieldIsRefusedByBothSettings()
    {
        const string Sound = """{"slope":1.5,"intercept":0,"slopeStandardError":null,"rSquared":1,"points":2}""";
        const string Damaged = """{"slope":1.5,"intercept":0,"slopeStandardError":null,"rSquared":1,"pionts":2}""";
        foreach (var options in new[] { SweepJson.Compact, SweepJson.Indented })
        {
            Assert.That(JsonSerializer.Deserialize<LogLogFit>(Sound, options)!.Points, Is.EqualTo(2));
            var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LogLogFit>(Damaged, options));
            Assert.That(ex!.Message, Does.Contain("pionts"));
        }
    }
}
