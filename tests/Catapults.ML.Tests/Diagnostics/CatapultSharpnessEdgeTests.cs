using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// λ_max around an episode is read from the nearest point that has a finite one: a NaN sharpness record (a failed
/// measurement) at the start or the end is skipped. Found by mutation testing (round 10B).
/// </summary>
public sealed class CatapultSharpnessEdgeTests
{
    [Test]
    public void ANonFiniteSharpnessAtTheEpisodesEdgesIsSkipped()
    {
        var points = new[]
        {
            new LossPoint(0, 1.0, 10.0), new LossPoint(1, 1.0, double.NaN), new LossPoint(2, 5.0, 9.0),
            new LossPoint(3, 0.9, double.PositiveInfinity), new LossPoint(4, 0.9, 4.0),
        };
        var events = CatapultDetector.Detect(points, new CatapultDetectorOptions { SmoothingWindow = 1 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].EndStep), Is.EqualTo((1, 3)));
        Assert.That(events[0].SharpnessBefore, Is.EqualTo(10.0));
        Assert.That(events[0].SharpnessAfter, Is.EqualTo(4.0));
        Assert.That(events[0].SharpnessDecreased, Is.True);
    }

    // Found by mutation testing (round 23B): λ_max after an episode is read at its end point itself when that has one;
    // reading from the point after it left the suite green, since every test's λ_max there was the same as at the end.
    [Test]
    public void LambdaMaxAfterIsReadAtTheEndPointItself()
    {
        var points = new[] { new LossPoint(0, 1.0, 10.0), new LossPoint(1, 5.0), new LossPoint(2, 1.0, 4.0), new LossPoint(3, 1.0, 12.0) };
        var events = CatapultDetector.Detect(points, new CatapultDetectorOptions { SmoothingWindow = 1 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].EndStep), Is.EqualTo((0, 2)));
        Assert.That(events[0].SharpnessAfter, Is.EqualTo(4.0), "the end point's λ_max, not the next one's 12");
    }
}
