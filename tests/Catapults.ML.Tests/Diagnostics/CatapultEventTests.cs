using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (round 23B): what a catapult event derives from its fields. No test read
/// <see cref="CatapultEvent.Duration"/> (measuring it from the peak left the suite green), and an unchanged λ_max counted
/// as a drop passed too, though a catapult needs λ_max lower after the spike.
/// </summary>
[TestFixture]
public sealed class CatapultEventTests
{
    private static readonly CatapultDetectorOptions Raw = new() { SmoothingWindow = 1, RequireSharpnessDecrease = false };

    [Test]
    public void TheDurationCountsStepsFromTheStartToTheEnd()
    {
        // Points every 10 steps: the episode starts at step 10, peaks at 20 and is back at step 40, three points and
        // 30 steps later (20 of them after the peak).
        var points = new[] { 1, 1, 5, 5, 1.0 }.Select((loss, i) => new LossPoint(10 * i, loss)).ToList();
        var events = CatapultDetector.Detect(points, Raw);
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].PeakStep, events[0].EndStep), Is.EqualTo((10, 20, 40)));
        Assert.That(events[0].Duration, Is.EqualTo(30));
    }

    [Test]
    public void AnUnchangedLambdaMaxIsNoDrop()
    {
        var same = new CatapultEvent(0, 1, 2, 1, 5, 1, 4.0, 4.0);
        Assert.That(same.SharpnessDecreased, Is.False);
        Assert.That((same with { SharpnessAfter = 3.999 }).SharpnessDecreased, Is.True);
        Assert.That((same with { SharpnessAfter = null }).SharpnessDecreased, Is.Null);
        // Where a drop is required, a spike across which λ_max stayed put is a spike and not a catapult.
        var detector = new CatapultDetector(new CatapultDetectorOptions { SmoothingWindow = 1 });
        foreach (var (loss, step) in new[] { 1, 1, 5, 1.0 }.Select((l, i) => (l, i))) detector.Add(step, loss, 4.0);
        Assert.That(detector.Spikes, Has.Count.EqualTo(1));
        Assert.That(detector.Events, Is.Empty);
    }
}
