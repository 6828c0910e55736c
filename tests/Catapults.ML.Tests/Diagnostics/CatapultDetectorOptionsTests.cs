using Catapults.ML.Diagnostics;

namespace Catapults.ML.Tests.Diagnostics;

/// <summary>
/// Found by mutation testing (round 23B): the options' documentation states every default and the mini-batch preset's
/// values with the reason for each, but no test read the baseline window (of either) or the preset's median width, and
/// changing them left the suite green.
/// </summary>
[TestFixture]
public sealed class CatapultDetectorOptionsTests
{
    [Test]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var o = new CatapultDetectorOptions();
        Assert.That((o.SmoothingWindow, o.RiseFactor, o.ReturnFactor, o.BaselineWindow, o.RequireSharpnessDecrease),
            Is.EqualTo((3, 2.0, 1.0, 50, true)));
    }

    [Test]
    public void TheMiniBatchPresetHasTheDocumentedValues()
    {
        var o = CatapultDetectorOptions.ForMiniBatchLoss();
        Assert.That((o.SmoothingWindow, o.RiseFactor, o.ReturnFactor, o.BaselineWindow, o.RequireSharpnessDecrease),
            Is.EqualTo((9, 4.0, 1.5, 50, false)));
    }

    // The default baseline in use: a rise (2.5) is measured from a low point (1) 50 points back, not from one 51 back,
    // and above the 1.5 in between it is no doubling.
    [TestCase(50, 1)]
    [TestCase(51, 0)]
    public void TheDefaultBaselineReachesBackFiftyPoints(int back, int expected)
    {
        var losses = new List<double> { 1 };
        losses.AddRange(Enumerable.Repeat(1.5, back - 1));
        losses.AddRange(new[] { 2.5, 0.9 });
        var events = CatapultDetector.Detect(losses, new CatapultDetectorOptions { SmoothingWindow = 1, RequireSharpnessDecrease = false });
        Assert.That(events, Has.Count.EqualTo(expected));
        if (expected == 1) Assert.That((events[0].StartStep, events[0].PeakStep), Is.EqualTo((0, back)));
    }
}
