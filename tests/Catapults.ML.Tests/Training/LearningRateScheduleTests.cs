using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

public class LearningRateScheduleTests
{
    [Test]
    public void WarmupThenCosineDecay()
    {
        var s = new WarmupDecaySchedule(1.0, warmupSteps: 4, totalSteps: 14, DecayKind.Cosine, finalRate: 0.1);
        Assert.That(s.LearningRateAt(0), Is.EqualTo(0.25).Within(1e-12));
        Assert.That(s.LearningRateAt(3), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(s.LearningRateAt(9), Is.EqualTo(0.1 + 0.9 * 0.5).Within(1e-12));
        Assert.That(s.LearningRateAt(14), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(s.LearningRateAt(100), Is.EqualTo(0.1).Within(1e-12));
    }

    [Test]
    public void LinearDecay()
    {
        var s = new WarmupDecaySchedule(2.0, 0, 10, DecayKind.Linear);
        Assert.That(s.LearningRateAt(5), Is.EqualTo(1.0).Within(1e-12));
    }

    // A decay of no length ends at once: the rate is the final one from TotalSteps on, as for any other length (it
    // used to stay at the peak for ever).
    [TestCase(DecayKind.Cosine)]
    [TestCase(DecayKind.Linear)]
    public void ADecayOfNoLengthGivesTheFinalRateFromTotalStepsOn(DecayKind decay)
    {
        var s = new WarmupDecaySchedule(1.0, warmupSteps: 5, totalSteps: 5, decay, finalRate: 0.1);
        Assert.That(Enumerable.Range(0, 9).Select(s.LearningRateAt), Is.EqualTo(new[] { 0.2, 0.4, 0.6, 0.8, 1.0, 0.1, 0.1, 0.1, 0.1 }).Within(1e-12));
        Assert.That(new WarmupDecaySchedule(1.0, 0, 0, decay, 0.3).LearningRateAt(0), Is.EqualTo(0.3));
    }

    // A warm-up of −1 steps would pass the other checks (totalSteps ≥ −1) and shift the decay to start one step early,
    // so the schedule would not begin at its peak; the constructor says which argument is wrong instead.
    [Test]
    public void AWarmupOfNegativeLengthIsRefusedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(1.0, warmupSteps: -1, totalSteps: 5));
        Assert.That(ex!.ParamName, Is.EqualTo("warmupSteps"));
        Assert.That(new WarmupDecaySchedule(1.0, warmupSteps: 0, totalSteps: 5).LearningRateAt(0), Is.EqualTo(1.0));
    }

    [Test]
    public void AdjustableScheduleFollowsTheProgram()
    {
        var s = new AdjustableSchedule(0.1);
        Assert.That(s.LearningRateAt(3), Is.EqualTo(0.1));
        s.LearningRate = 0.7;
        Assert.That(s.LearningRateAt(4), Is.EqualTo(0.7));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LearningRate = double.NaN);
    }

    // Found by mutation testing (round 23C): the options do not check the rate when a schedule sets it, so without this
    // check a NaN or 0 starting rate would surface only at the first step, as a "divergence" of a run that never moved.
    [TestCase(0.0)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AnAdjustableScheduleRefusesABadStartingRateByName(double rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new AdjustableSchedule(rate));
        Assert.That(ex!.ParamName, Is.EqualTo("initialRate"));
    }

    // A realised schedule must hold every rate its run used, and a warm-up-free decay of no length with final rate 0
    // uses 0 from its first step: the initial rate may be 0 as any milestone's may, though a constant rate may not.
    [Test]
    public void AMilestoneScheduleMayStartAtRateZero()
    {
        var s = new MilestoneSchedule(0, new[] { (2, 0.5) });
        Assert.That(Enumerable.Range(0, 4).Select(s.LearningRateAt), Is.EqualTo(new[] { 0, 0, 0.5, 0.5 }));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MilestoneSchedule(-1e-9, new[] { (2, 0.5) }));
        Assert.That(ex!.ParamName, Is.EqualTo("initialRate"));
    }

    [Test]
    public void MilestonesRejectDuplicatesAndBadRates()
    {
        Assert.Throws<ArgumentException>(() => new MilestoneSchedule(0.1, new[] { (3, 0.2), (3, 0.3) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MilestoneSchedule(0.1, new[] { (3, -0.2) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0));
    }
}
