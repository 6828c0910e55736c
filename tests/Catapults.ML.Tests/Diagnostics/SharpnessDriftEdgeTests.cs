using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// A catapult whose λ_max did not drop is not clear, even where λ_max does not drift at all (a threshold of 0): a clear
/// drop must be a drop. Found by mutation testing (round 10B).
/// </summary>
public sealed class SharpnessDriftEdgeTests
{
    private static CatapultEvent Spike(int start, int end) => new(start, start + 1, end, 1.0, 5.0, 1.0, null, null);

    private static List<LossPoint> Constant(int count, double sharpness) =>
        Enumerable.Range(0, count).Select(i => new LossPoint(i, 1.0, sharpness)).ToList();

    [Test]
    public void NoDropAgainstNoDriftIsNotClear()
    {
        var spike = Spike(10, 12);
        var (clear, unjudged) = SharpnessDrift.Judge(Constant(40, 5.0), new[] { spike }, new[] { spike });
        Assert.That(unjudged, Is.Empty);
        Assert.That(clear, Is.Empty);
    }

    // A window of no records has no drop to rank against.
    [Test]
    public void AThresholdOverASpanOfNoRecordsIsRefused()
    {
        var points = Enumerable.Range(0, 40).Select(i => new LossPoint(i, 1.0, 10.0 - 0.01 * i)).ToList();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SharpnessDrift.Threshold(points, Array.Empty<CatapultEvent>(), 0));
        Assert.That(ex!.ParamName, Is.EqualTo("span"));
        Assert.That(SharpnessDrift.Threshold(points, Array.Empty<CatapultEvent>(), 1), Is.Not.Null, "one record apart is the shortest span");
    }

    // Found by mutation testing (round 23B): without its own check, a null list of spikes was refused only once a
    // catapult had records to be judged between, and then as LINQ's "source"; with none it passed unnoticed.
    [Test]
    public void ANullListOfSpikesIsRefusedByName()
    {
        var points = Constant(40, 5.0);
        var spike = Spike(10, 12);
        foreach (var catapults in new[] { Array.Empty<CatapultEvent>(), new[] { spike } })
        {
            var ex = Assert.Throws<ArgumentNullException>(() => SharpnessDrift.Judge(points, null!, catapults));
            Assert.That(ex!.ParamName, Is.EqualTo("spikes"), $"{catapults.Length} catapults");
        }
    }
}
