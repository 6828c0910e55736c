using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (6 Dec 2026): the detector's remarks say a loss of exactly 0 (an exact fit) ends detection,
/// since no rise can be measured as a factor of it; letting the zero through left the suite green. Any rise from 0 is
/// infinitely many times it, so a zero kept in the stream would start an episode at the next positive loss. λ_max after an
/// episode is still read at or beyond that point (reading it only up to the zero also left the suite green).
/// </summary>
[TestFixture]
public sealed class CatapultDetectorExactFitTests
{
    private static readonly CatapultDetectorOptions Raw = new() { SmoothingWindow = 1, RequireSharpnessDecrease = false };

    [Test]
    public void ALossOfExactlyZeroEndsDetection()
    {
        // One catapult (1 → 5 → 1) over steps 1 … 3, then an exact fit at step 4: what follows is not read.
        var events = CatapultDetector.Detect(new[] { 1, 1, 5, 1, 0, 5, 0.0 }, Raw);
        Assert.That(events.Select(e => (e.StartStep, e.EndStep)), Is.EqualTo(new[] { (1, 3) }));
        var detector = new CatapultDetector(Raw);
        foreach (var (loss, step) in new[] { 1, 0, 1.0 }.Select((l, i) => (l, i))) detector.Add(step, loss);
        Assert.That(detector.Events, Is.Empty);
        Assert.That(detector.OpenEpisodeStart, Is.Null, "no rise is measured from the exact fit at step 1");
    }

    [Test]
    public void LambdaMaxAfterAnEpisodeIsReadAtTheExactFitThatEndsDetection()
    {
        // The episode 1 → 5 → 1 ends at step 2, which has no λ_max; the first point at or after it with one is the exact
        // fit at step 3: the loss there ends detection, but its λ_max is a reading like any other.
        var points = new[] { new LossPoint(0, 1, 10), new LossPoint(1, 5), new LossPoint(2, 1), new LossPoint(3, 0, 4) };
        var events = CatapultDetector.Detect(points, new CatapultDetectorOptions { SmoothingWindow = 1 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].EndStep, Is.EqualTo(2));
        Assert.That(events[0].SharpnessBefore, Is.EqualTo(10));
        Assert.That(events[0].SharpnessAfter, Is.EqualTo(4));
    }
}
