using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Statistics.Pearson, which the optimizers report prints as it stands: two runs always lie on a line, so their r of ±1
/// says nothing, and the documented answer is NaN below three pairs. Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class PearsonCorrelationTests
{
    [Test]
    public void FewerThanThreeFinitePairsHaveNoCorrelation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Statistics.Pearson(new (double?, double?)[] { (1, 2), (3, 7) }), Is.NaN, "two pairs");
            // Three pairs, but one has a missing and one a NaN value: two are left.
            Assert.That(Statistics.Pearson(new (double?, double?)[] { (1, 2), (null, 5), (2, double.NaN), (3, 7) }), Is.NaN, "two finite pairs");
        });
    }

    [Test]
    public void ThreePairsGiveTheHandComputedCorrelation()
    {
        // x = 1, 2, 3 and y = 1, 3, 2: deviations (−1, 0, 1) and (−1, 1, 0), so sxy = 1, sxx = syy = 2 and r = 1/2.
        Assert.That(Statistics.Pearson(new (double?, double?)[] { (1, 1), (2, 3), (3, 2) }), Is.EqualTo(0.5).Within(1e-15));
    }

    // Found by mutation testing (7 Dec 2026, round 27B): a pair whose y alone is not finite counts for nothing either.
    [Test]
    public void APairWithANonFiniteValueOnEitherSideIsLeftOut()
    {
        var pairs = new (double?, double?)[] { (1, 1), (4, double.NaN), (2, 3), (double.NaN, 4), (5, double.PositiveInfinity), (3, 2), (6, null) };
        Assert.That(Statistics.Pearson(pairs), Is.EqualTo(0.5).Within(1e-15));
    }
}
