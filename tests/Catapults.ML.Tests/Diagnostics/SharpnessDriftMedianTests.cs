using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (6 Dec 2026): MedianDropPercent was only checked with two catapults (the mean of the middle
/// two), so taking the wrong element of an odd count left the suite green. With three, the median is the middle drop.
/// </summary>
[TestFixture]
public sealed class SharpnessDriftMedianTests
{
    private static CatapultEvent Episode(int start, int end) => new(start, (start + end) / 2, end, 1, 3, 1, null, null);

    [Test]
    public void TheMedianOfThreeDropsIsTheMiddleOne()
    {
        // λ_max falls by 10 %, 20 % and 30 % across three catapults (and stays put between them).
        var points = new[] { (0, 100.0), (10, 90.0), (20, 90.0), (30, 72.0), (40, 72.0), (50, 50.4) }
            .Select(p => new LossPoint(p.Item1, 1, p.Item2)).ToList();
        var catapults = new[] { Episode(40, 50), Episode(0, 10), Episode(20, 30) };
        Assert.That(SharpnessDrift.MedianDropPercent(points, catapults), Is.EqualTo(20).Within(1e-9));
        Assert.That(SharpnessDrift.MedianDropPercent(points, catapults.Take(1).ToList()), Is.EqualTo(30).Within(1e-9));
        Assert.That(SharpnessDrift.MedianDropPercent(points, Array.Empty<CatapultEvent>()), Is.Null);
    }
}
