using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (6 Dec 2026): where the running median's window is cut to an even count at the stream's
/// ends, the detector's remarks say it takes the median of the logs, the geometric mean of the middle two (spikes are
/// multiplicative); the arithmetic mean in its place left the suite green.
/// </summary>
[TestFixture]
public sealed class CatapultDetectorSmoothingTests
{
    [Test]
    public void AtTheStreamsStartTheMedianOfTwoIsTheirGeometricMean()
    {
        // With the default 3-point median, step 0 sees only 1 and 4: its smoothed loss is √(1·4) = 2 (not 2.5), and the
        // rise to 20 from there is an episode starting at step 0 with that start level.
        var events = CatapultDetector.Detect(new[] { 1, 4, 20, 20, 20, 1, 1, 1.0 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That(events[0].StartStep, Is.EqualTo(0));
        Assert.That(events[0].StartLoss, Is.EqualTo(2));
        Assert.That(events[0].PeakRatio, Is.EqualTo(10));
    }

    // The mini-batch preset's 9-point median lets a rise count only once it lasts at least five steps: four high
    // batches in a row are noise, five are an episode.
    [TestCase(4, 0)]
    [TestCase(5, 1)]
    public void TheMiniBatchPresetNeedsARiseOfFiveSteps(int highSteps, int expectedEvents)
    {
        var losses = Enumerable.Repeat(1.0, 60).Concat(Enumerable.Repeat(10.0, highSteps)).Concat(Enumerable.Repeat(1.0, 40)).ToList();
        var events = CatapultDetector.Detect(losses, CatapultDetectorOptions.ForMiniBatchLoss());
        Assert.That(events, Has.Count.EqualTo(expectedEvents));
    }
}
