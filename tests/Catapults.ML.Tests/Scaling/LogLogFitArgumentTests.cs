using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// <see cref="LogLogFit.Fit"/> names the argument that holds a bad point: x when x is bad, whatever y is; y only when x
/// is good. Found by mutation testing (round 15A): a rule that looked at y first named y for a point bad in both.
/// </summary>
public sealed class LogLogFitArgumentTests
{
    [TestCase(0.0, -1.0)]
    [TestCase(double.NaN, double.NaN)]
    [TestCase(double.PositiveInfinity, 0.0)]
    public void APointBadInBothCoordinatesIsBlamedOnX(double x, double y)
    {
        var ex = Assert.Throws<ArgumentException>(() => LogLogFit.Fit(new[] { 1.0, x }, new[] { 1.0, y }));
        Assert.That(ex!.ParamName, Is.EqualTo("x"));
        Assert.That(ex.Message, Does.StartWith("Point 1 ("));
    }

    // An infinite x with a good y: without the finiteness check the fit returned a NaN slope instead of naming x.
    // Found by mutation testing (round 24B).
    [Test]
    public void AnInfiniteXWithAGoodYIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => LogLogFit.Fit(new[] { 1.0, 10.0, double.PositiveInfinity }, new[] { 1.0, 2.0, 3.0 }));
        Assert.That(ex!.ParamName, Is.EqualTo("x"));
        Assert.That(ex.Message, Does.StartWith("Point 2 ("));
    }
}
