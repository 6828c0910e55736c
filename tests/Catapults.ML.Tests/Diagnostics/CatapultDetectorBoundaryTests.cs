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

    // Found by mutation testing (round 23B): a return factor below 1 passed validation. The documented range is
    // [1, RiseFactor): an episode ends where the loss is back at its start level or within the factor above it.
    [Test]
    public void AReturnFactorBelowOneIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CatapultDetectorOptions { ReturnFactor = 0.5 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("ReturnFactor"));
        Assert.That(ex.Message, Does.StartWith("ReturnFactor must be in [1, RiseFactor), got 0.5."));
        Assert.DoesNotThrow(() => new CatapultDetectorOptions { ReturnFactor = 1 }.Validate());
    }

    // Found by mutation testing (round 23B): the static Detect ran with whatever options it was given; an even window
    // of 2 then ran as a 3-point median without a word.
    [Test]
    public void DetectOnAWholeStreamChecksItsOptions()
    {
        var bad = new CatapultDetectorOptions { SmoothingWindow = 2 };
        var ex = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { 1.0, 1, 5, 5, 1 }, bad));
        Assert.That(ex!.ParamName, Is.EqualTo("SmoothingWindow"));
        ex = Assert.Throws<ArgumentException>(() => CatapultDetector.Detect(new[] { new LossPoint(0, 1.0) }, new CatapultDetectorOptions { BaselineWindow = 0 }));
        Assert.That(ex!.ParamName, Is.EqualTo("BaselineWindow"));
    }

    // Found by mutation testing (round 23B): only NaN was shown to end detection. An infinite loss is the run diverging
    // too; kept in the stream, it would read as a rise of ∞ and, with the loss back at 1, as a catapult.
    [Test]
    public void AnInfiniteLossEndsDetection()
    {
        var losses = new[] { 1, 1, double.PositiveInfinity, 1, 1.0 };
        Assert.That(CatapultDetector.Detect(losses, Raw), Is.Empty);
        var detector = new CatapultDetector(Raw);
        for (int t = 0; t < losses.Length; t++) detector.Add(t, losses[t]);
        Assert.That(detector.Events, Is.Empty);
        Assert.That(detector.OpenEpisodeStart, Is.Null, "nothing after the divergence is read, not even as an open rise");
    }

    // Found by mutation testing (round 23B): the end level is the smoothed loss that met the return rule, as the start
    // level is. A raw low outlier at the end point (0.2 among 10 and 1, median 1) is not the level the loss came back to.
    [Test]
    public void TheEndLevelIsTheSmoothedLossAtTheEnd()
    {
        var events = CatapultDetector.Detect(new[] { 1, 1, 1, 10, 10, 10, 0.2, 1, 1, 1.0 });
        Assert.That(events, Has.Count.EqualTo(1));
        Assert.That((events[0].StartStep, events[0].PeakStep, events[0].EndStep), Is.EqualTo((2, 3, 6)));
        Assert.That(events[0].StartLoss, Is.EqualTo(1));
        Assert.That(events[0].EndLoss, Is.EqualTo(1), "the 3-point median at step 6, not the raw 0.2");
    }

    // Found by mutation testing (round 23B): the detector keeps a copy of its options, so changing the caller's object
    // afterwards changes nothing it reports (using the object itself left the suite green).
    [Test]
    public void ChangingTheOptionsAfterConstructionChangesNothing()
    {
        var options = new CatapultDetectorOptions { SmoothingWindow = 1, RequireSharpnessDecrease = false };
        var detector = new CatapultDetector(options);
        options.RiseFactor = 100;
        foreach (var (loss, step) in new[] { 1, 1, 5, 1.0 }.Select((l, i) => (l, i))) detector.Add(step, loss);
        Assert.That(detector.Options.RiseFactor, Is.EqualTo(2));
        Assert.That(detector.Events, Has.Count.EqualTo(1), "a fivefold rise is an episode at the RiseFactor of 2 given");
    }
}
