using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (6 Dec 2026): which λ_max records and windows SharpnessDrift counts. A window inside an
/// earlier, longer spike is not spike-free, even where a shorter spike starts and ends inside that one (dropping the
/// running maximum of the spikes' ends left the suite green); and a record of λ_max 0 is no record (counting it left
/// the suite green too). A window that ends where a spike starts is spike-free, as one starting at a spike's end is.
/// </summary>
[TestFixture]
public sealed class SharpnessDriftWindowTests
{
    private static CatapultEvent Episode(int start, int end) => new(start, (start + end) / 2, end, 1, 3, 1, null, null);

    // Records at steps 0, 10, …, 10·(count − 1) with λ_i = 100 − i: a window of one record drops by 1/(100 − i).
    private static List<LossPoint> Falling(int count) =>
        Enumerable.Range(0, count).Select(i => new LossPoint(10 * i, 1, 100.0 - i)).ToList();

    [Test]
    public void AWindowInsideALongerEarlierSpikeIsNotSpikeFreeWhereAShorterOneEndsBeforeIt()
    {
        // 29 windows; a spike over steps 0 … 100 overlaps the ten from steps 0 … 90, whatever the spike over 10 … 20
        // (which starts later and ends sooner) says: 19 remain, too few. Without the long spike only the window from
        // step 10 overlaps one: 28 remain, and the threshold is the largest of their drops, 1/72.
        var points = Falling(30);
        Assert.That(SharpnessDrift.Threshold(points, new[] { Episode(0, 100), Episode(10, 20) }, 1), Is.Null);
        Assert.That(SharpnessDrift.Threshold(points, new[] { Episode(10, 20) }, 1), Is.EqualTo(1.0 / 72).Within(1e-15));
    }

    [Test]
    public void AWindowEndingAtASpikesStartIsSpikeFree()
    {
        // 44 windows; a spike over steps 200 … 440 overlaps those from step 200 on, not the one from 190 to 200, which
        // only touches its start: 20 remain, enough to judge, and the threshold is the largest of their drops, 1/81.
        var points = Falling(45);
        Assert.That(SharpnessDrift.Threshold(points, new[] { Episode(200, 440) }, 1), Is.EqualTo(1.0 / 81).Within(1e-15));
        // A step earlier, the spike overlaps that window too, and 19 are too few.
        Assert.That(SharpnessDrift.Threshold(points, new[] { Episode(199, 440) }, 1), Is.Null);
    }

    [Test]
    public void ARecordOfLambdaMaxZeroIsNoRecord()
    {
        // Records at steps 0 … 200 give 20 windows, the largest drop 1/81; a point of λ_max 0 at step 210 is skipped
        // (not a finite, positive sharpness), where counting it would add a window dropping by 100 %.
        var points = Falling(21);
        points.Add(new LossPoint(210, 1, 0));
        Assert.That(SharpnessDrift.Threshold(points, Array.Empty<CatapultEvent>(), 1), Is.EqualTo(1.0 / 81).Within(1e-15));
    }

    // Found by mutation testing (round 23B): an infinite λ_max (a failed measurement) is no record either; counted, it
    // made a 20th window here (dropping by −∞), enough to judge a run that has 19.
    [Test]
    public void AnInfiniteRecordOfLambdaMaxIsNoRecord()
    {
        var points = Falling(20);
        points.Add(new LossPoint(200, 1, double.PositiveInfinity));
        Assert.That(SharpnessDrift.Threshold(points, Array.Empty<CatapultEvent>(), 1), Is.Null, "19 windows");
    }
}
