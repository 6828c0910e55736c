using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Statistics.Format: "mean ± sd", both in the format given, or "n/a" when no value is finite.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class StatisticsFormatTests
{
    [Test]
    public void MeanAndSdTakeTheSameFormat()
    {
        Assert.Multiple(() =>
        {
            // mean 1.5, sample sd √0.5 = 0.70711.
            Assert.That(Statistics.Format(new double?[] { 1, 2 }, "F3"), Is.EqualTo("1.500 ± 0.707"));
            Assert.That(Statistics.Format(new double?[] { 1, 2 }, "F1"), Is.EqualTo("1.5 ± 0.7"));
        });
    }

    [Test]
    public void OneValueIsShownWithNoSpreadAndNoValueAsNotAvailable()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Statistics.Format(new double?[] { 0.25, null, double.NaN }, "F2"), Is.EqualTo("0.25 ± 0.00"));
            Assert.That(Statistics.Format(new double?[] { null, double.PositiveInfinity }), Is.EqualTo("n/a"));
        });
    }

    // Found by mutation testing (7 Dec 2026, round 27B): the reports print the same numbers on a host in a comma culture.
    [Test, SetCulture("de-DE")]
    public void MeanAndSdUseADecimalPointInACommaCulture()
    {
        Assert.That(Statistics.Format(new double?[] { 1, 2 }, "F3"), Is.EqualTo("1.500 ± 0.707"));
    }
}
