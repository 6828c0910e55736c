using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// The detector's rules at their edges: ReturnFactor must stay below RiseFactor, a repeated step is refused when it is
/// added, and an episode starts at the last of equal low points before the rise. Found by mutation testing (round 10B).
/// </summary>
public sealed class CatapultDetectorBoundaryTests
{
    private static readonly CatapultDetectorOptions Raw = new() { SmoothingWindow = 1, RequireSharpnessDecrease = false };

    [Test]
    public void AReturnFactorEqualToTheRiseFactorIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { RiseFactor = 3, ReturnFactor = 3 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("ReturnFactor"));
        Assert.DoesNotThrow(() => new CatapultDetectorOptions { RiseFactor = 3, ReturnFactor = 2.999 }.Validate());
    }

    [Test]
    public void AnEvenSmoothingWindowIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { SmoothingWindow = 2 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("SmoothingWindow"));
    }

    // An odd window must still be positive: −1 is odd, and would read as "no smoothing" without saying so.
    [Test]
    public void ANegativeSmoothingWindowIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { SmoothingWindow = -1 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("SmoothingWindow"));
        Assert.That(ex.Message, Does.StartWith("SmoothingWindow must be a positive odd number, got -1."));
    }

    // An infinite rise factor would make every rise too small to count: the detector would never report anything.
    [Test]
    public void AnInfiniteRiseFactorIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { RiseFactor = double.PositiveInfinity }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("RiseFactor"));
        Assert.That(ex.Message, Does.StartWith("RiseFactor must be finite and > 1, got "));
    }

    // A baseline over no points leaves no minimum to rise from: a detector with it would never find anything.
    [Test]
    public void ABaselineWindowOfNoPointsIsRefusedAndOneIsTheSmallest()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { BaselineWindow = 0 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("BaselineWindow"));
        Assert.That(ex.Message, Does.StartWith("BaselineWindow must be at least 1, got 0."));
        Assert.DoesNotThrow(() => new CatapultDetectorOptions { BaselineWindow = 1 }.Validate());
    }

    [Test]
    public void AddingTheSameStepTwiceIsRefused()
    {
        var detector = new CatapultDetector(Raw);
        detector.Add(4, 1.0);
        var ex = Assert.Throws<ArgumentException>(() => detector.Add(4, 0.9));
        Assert.That(ex!.Message, Does.Contain("Steps must increase"));
        Assert.That(detector.Points, Has.Count.EqualTo(1));
    }

    [Test]
    public void AnEpisodeStartsAtTheLastOfEqualLowPoints()
    {
        // Steps 0 and 1 both stand at the low level 1; the rise to 5 starts from the later one.
        var events = CatapultDetector.Detect(new[] { 1.0, 1.0, 5.0, 0.9 }, Raw);
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].PeakStep, events[0].EndStep), Is.EqualTo((1, 2, 3)));
    }

    [Test]
    public void TheBaselineOfANewEpisodeNeverReachesBackPastThePreviousEnd()
    {
        // The first episode (1 → 10) ends at 1.4, within ReturnFactor 1.5 of its start. Measured from that end, 2.5 is
        // no doubling; measured from the 1 before the episode, it would be a second one.
        var options = new CatapultDetectorOptions { SmoothingWindow = 1, RiseFactor = 2, ReturnFactor = 1.5, RequireSharpnessDecrease = false };
        var events = CatapultDetector.Detect(new[] { 1.0, 10, 1.4, 2.5, 1.3 }, options);
        Assert.That(events.Select(e => (e.StartStep, e.PeakStep, e.EndStep)), Is.EqualTo(new[] { (0, 1, 2) }));
    }

    // A whole stream given at once is held to what Add enforces point by point: a step repeated is refused, naming it.
    [Test]
    public void AStreamWithARepeatedStepIsRefused()
    {
        var repeated = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { new LossPoint(3, 1.0), new LossPoint(3, 2.0) }, Raw));
        Assert.That(repeated!.Message, Does.StartWith("Steps must increase: point 1 has step 3 after 3."));
    }

    // Detect's refusals of a stream named the parameter "all" of a private helper, which no caller has (found by mutation
    // testing, round 14A); Detect(losses) also takes care to name its own argument rather than LINQ's "source".
    [Test]
    public void ARefusedStreamNamesTheCallersParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { new LossPoint(3, 1.0), new LossPoint(3, 2.0) }, Raw));
        Assert.That(ex!.ParamName, Is.EqualTo("points"));
        ex = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { 1.0, -0.5 }, Raw));
        Assert.That(ex!.ParamName, Is.EqualTo("losses"));
        Assert.That(ex.Message, Does.StartWith("The loss at step 1 (point 1) is negative"));
    }
}
