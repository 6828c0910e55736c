using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="MilestoneSchedule"/> takes its milestones in any order: it keeps them in step order
/// (<see cref="MilestoneSchedule.Milestones"/>), applies each from its step until the next, and rejects two at one step
/// wherever they stand in the input. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class MilestoneOrderTests
{
    [Test]
    public void UnorderedMilestonesActAsTheOrderedOnes()
    {
        var unordered = new MilestoneSchedule(0.1, new[] { (9, 0.05), (2, 0.3), (5, 0.2) });
        var ordered = new MilestoneSchedule(0.1, new[] { (2, 0.3), (5, 0.2), (9, 0.05) });

        Assert.That(unordered.Milestones.Select(m => m.Step), Is.EqualTo(new[] { 2, 5, 9 }));
        var expected = new[] { 0.1, 0.1, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.05, 0.05 };
        Assert.That(Enumerable.Range(0, 11).Select(unordered.LearningRateAt), Is.EqualTo(expected));
        Assert.That(Enumerable.Range(0, 11).Select(ordered.LearningRateAt), Is.EqualTo(expected));
    }

    [Test]
    public void TwoMilestonesAtOneStepAreRejectedWhereverTheyStand()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MilestoneSchedule(0.1, new[] { (3, 0.2), (7, 0.4), (3, 0.3) }));
        Assert.That(ex!.Message, Does.Contain("Two milestones at step 3"));
    }

    // Found by mutation testing (round 30A): the case above has its pair at the earliest step, so a check against the
    // first milestone only passed it.
    [Test]
    public void TwoMilestonesAtALaterStepAreRejectedToo()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MilestoneSchedule(0.1, new[] { (2, 0.2), (9, 0.05), (5, 0.4), (5, 0.3) }));
        Assert.That(ex!.ParamName, Is.EqualTo("milestones"));
        Assert.That(ex.Message, Does.Contain("Two milestones at step 5"));
    }
}
