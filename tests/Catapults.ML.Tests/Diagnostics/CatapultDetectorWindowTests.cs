using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (6 Dec 2026): the detector's baseline window at its two edges. The baseline is the minimum
/// over exactly <see cref="CatapultDetectorOptions.BaselineWindow"/> preceding points (a window one point shorter left
/// the suite green), and a new episode's baseline may reach back to the previous episode's end, though not past it (a
/// window starting one point after that end left it green too).
/// </summary>
[TestFixture]
public sealed class CatapultDetectorWindowTests
{
    private static readonly CatapultDetectorOptions Raw = new() { SmoothingWindow = 1, RequireSharpnessDecrease = false };

    [Test]
    public void TheBaselineIsTheMinimumOverExactlyBaselineWindowPrecedingPoints()
    {
        // At step 3 (2.5) the two preceding points are 1.0 and 1.5: with BaselineWindow 2 the minimum 1.0 is inside the
        // window and 2.5 > 2 · 1.0 starts an episode from step 1, which ends at step 4 (back at 1.0).
        var losses = new[] { 1.5, 1.0, 1.5, 2.5, 1.0 };
        var two = new CatapultDetectorOptions { SmoothingWindow = 1, RequireSharpnessDecrease = false, BaselineWindow = 2 };
        var events = CatapultDetector.Detect(losses, two);
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].PeakStep, events[0].EndStep), Is.EqualTo((1, 3, 4)));
        // With a window of one point the baseline at step 3 is 1.5, and 2.5 is no doubling of it.
        var one = new CatapultDetectorOptions { SmoothingWindow = 1, RequireSharpnessDecrease = false, BaselineWindow = 1 };
        Assert.That(CatapultDetector.Detect(losses, one), Is.Empty);
    }

    [Test]
    public void ANewEpisodesBaselineMayStartAtThePreviousEpisodesEnd()
    {
        // The first episode (0 → 5 → 0.5) ends at step 2, the lowest point so far; the next rise (1.5 at step 4) is
        // three times that end level, and measured from it (not from step 3's 0.9, which it does not double).
        var events = CatapultDetector.Detect(new[] { 1, 5, 0.5, 0.9, 1.5, 0.4 }, Raw);
        Assert.That(events.Select(e => (e.StartStep, e.EndStep)), Is.EqualTo(new[] { (0, 2), (2, 5) }));
        Assert.That(events[1].StartLoss, Is.EqualTo(0.5));
    }

    // Found by mutation testing (round 23B): the point right after an episode's end may itself start the next one
    // (resuming the search a point later left the suite green and lost the second of two back-to-back catapults).
    [Test]
    public void AnEpisodeMayRiseAtThePointAfterThePreviousEnd()
    {
        var events = CatapultDetector.Detect(new[] { 1, 5, 1, 5, 1.0 }, Raw);
        Assert.That(events.Select(e => (e.StartStep, e.PeakStep, e.EndStep)), Is.EqualTo(new[] { (0, 1, 2), (2, 3, 4) }));
    }
}
