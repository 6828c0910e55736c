using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Finite.OrNull, through which a run's AGOP alignment reaches summary.json: a value that is not finite, infinite as much
/// as NaN, or a measurement that cannot be computed, is recorded as none. Found by mutation testing (7 Dec 2026, round 27B).
/// </summary>
public sealed class FiniteTests
{
    [Test]
    public void OnlyAFiniteMeasurementIsKept()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Finite.OrNull(() => -0.25), Is.EqualTo(-0.25));
            Assert.That(Finite.OrNull(() => double.NaN), Is.Null);
            Assert.That(Finite.OrNull(() => double.PositiveInfinity), Is.Null);
            Assert.That(Finite.OrNull(() => double.NegativeInfinity), Is.Null);
            Assert.That(Finite.OrNull(() => throw new DivideByZeroException()), Is.Null, "a degenerate matrix");
        });
    }
}
