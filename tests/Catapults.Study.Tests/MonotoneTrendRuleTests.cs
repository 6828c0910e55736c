using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// TrendVerdict.Monotone where its rule draws lines: a trend needs two batch sizes to be a trend at all, and the extremes
/// must differ by more than the sum of their sds (the sample sd, n − 1), so a gap exactly equal to it is not a trend;
/// equal means at adjacent batch sizes are no reversal.
/// Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class MonotoneTrendRuleTests
{
    [Test]
    public void OneBatchSizeLeavesTheTrendNotTested()
    {
        var trend = TrendVerdict.Monotone("catapults increase as the batch size decreases",
            new (int, IReadOnlyList<double?>)[] { (10, new double?[] { 3, 5 }) }, increases: true);
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.NotTested), trend.Evidence);
        Assert.That(trend.Evidence, Does.Contain("fewer than two batch sizes"));
    }

    // Three seeds at a − 1, a, a + 1 have a sample sd of exactly 1, so the sums below are exact in floating point.
    private static TrendVerdict Increase(double lowAt100, double lowAt10) => TrendVerdict.Monotone("catapults increase as the batch size decreases",
        new (int, IReadOnlyList<double?>)[]
        {
            (100, new double?[] { lowAt100, lowAt100 + 1, lowAt100 + 2 }),
            (10, new double?[] { lowAt10, lowAt10 + 1, lowAt10 + 2 }),
        }, increases: true);

    [Test]
    public void AGapEqualToTheSummedSdsIsNotATrend()
    {
        // Means 1 and 3, sds 1 and 1: a gap of 2 against a combined sd of 2.
        var equal = Increase(0, 2);
        Assert.That(equal.Outcome, Is.EqualTo(VerdictOutcome.Fails), equal.Evidence);
        Assert.That(equal.Evidence, Does.Contain("extremes differ by 2 in the claimed direction against a combined sd of 2"));
        // The one step, exactly the summed sds, is within the spread (round 16B).
        Assert.That(equal.Evidence, Does.Contain("within the seeds' spread at b = 100 → 10"));
        var beyond = Increase(0, 2.5);
        Assert.That(beyond.Outcome, Is.EqualTo(VerdictOutcome.Holds), beyond.Evidence);
    }

    [Test]
    public void TheSdsOfBothExtremesAddUp()
    {
        // A gap of 1.5 is beyond either sd of 1 alone but within their sum of 2.
        var trend = Increase(0, 1.5);
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.Fails), trend.Evidence);
        Assert.That(trend.Evidence, Does.Contain("against a combined sd of 2"));
    }

    [Test]
    public void EqualMeansAtAdjacentBatchSizesAreNoReversal()
    {
        // "Moves in the claimed direction (or stays equal)": b = 100 and 50 both average 1, then b = 10 averages 4.5.
        var trend = TrendVerdict.Monotone("catapults increase as the batch size decreases",
            new (int, IReadOnlyList<double?>)[]
            {
                (100, new double?[] { 0, 1, 2 }), (50, new double?[] { 0, 1, 2 }), (10, new double?[] { 3.5, 4.5, 5.5 }),
            }, increases: true);
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.Holds), trend.Evidence);
        Assert.That(trend.Evidence, Does.Not.Contain("reversed").And.Contain("within the seeds' spread at b = 100 → 50"));
    }
    // Found by mutation testing (6 Dec 2026, round 16B): a reversal counts however small, even one inside the seeds'
    // spread, and the extremes' wide gap does not excuse it.
    [Test]
    public void AReversalWithinTheSeedsSpreadStillFailsTheTrend()
    {
        // Means 1, 5, 4.5 (sd 1 each): b = 50 → 10 drops by 0.5, well within the summed sds of 2; the extremes differ by 3.5 > 2.
        var trend = TrendVerdict.Monotone("catapults increase as the batch size decreases",
            new (int, IReadOnlyList<double?>)[]
            {
                (100, new double?[] { 0, 1, 2 }), (50, new double?[] { 4, 5, 6 }), (10, new double?[] { 3.5, 4.5, 5.5 }),
            }, increases: true);
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.Fails), trend.Evidence);
        Assert.That(trend.Evidence, Does.Contain("reversed at b = 50 → 10"));
    }

    // Found by mutation testing (7 Dec 2026, round 31B): a reversed pair is named as reversed only, not also as within
    // the seeds' spread; and a batch size without a finished run reads n/a in the evidence, not NaN.
    [Test]
    public void AReversedPairIsNotAlsoCountedWithinTheSpread()
    {
        // Means 1, 5, 4.5 (sd 1 each): b = 50 → 10 drops by 0.5, within the summed sds of 2, and is a reversal only.
        var trend = TrendVerdict.Monotone("catapults increase as the batch size decreases",
            new (int, IReadOnlyList<double?>)[]
            {
                (100, new double?[] { 0, 1, 2 }), (50, new double?[] { 4, 5, 6 }), (10, new double?[] { 3.5, 4.5, 5.5 }),
            }, increases: true);
        Assert.That(trend.Evidence, Does.Contain("reversed at b = 50 → 10").And.Not.Contain("within the seeds' spread"));
    }

    [Test]
    public void ABatchSizeWithoutAFinishedRunReadsNotAvailable()
    {
        var trend = TrendVerdict.Monotone("test loss decreases as the batch size decreases",
            new (int, IReadOnlyList<double?>)[] { (100, new double?[] { 0.5, 0.7 }), (5, new double?[] { null, double.NaN }) }, increases: false);
        Assert.That(trend.Outcome, Is.EqualTo(VerdictOutcome.NotTested), trend.Evidence);
        Assert.That(trend.Evidence, Does.StartWith("b = 100: 0.6 ± 0.141 → b = 5: n/a ± n/a").And.Not.Contain("NaN"));
    }
}
