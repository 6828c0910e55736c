using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// A schedule refuses a NaN or infinite rate when it is made, naming the argument: the options do not check a rate that
/// a schedule sets, so it would otherwise surface many steps later as a "divergence" (NaN) or a run that never moves.
/// Found by mutation testing (round 30A): only negative rates were tested.
/// </summary>
[TestFixture]
public sealed class ScheduleRateFinitenessTests
{
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AWarmupDecaysFinalRateMustBeFinite(double finalRate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(1.0, 2, 10, DecayKind.Cosine, finalRate));
        Assert.That(ex!.ParamName, Is.EqualTo("finalRate"));
        Assert.That(ex.Message, Does.Contain("finite"));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AMilestoneSchedulesInitialRateMustBeFinite(double rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MilestoneSchedule(rate, new[] { (2, 0.5) }));
        Assert.That(ex!.ParamName, Is.EqualTo("initialRate"));
        Assert.That(ex.Message, Does.Contain("finite"));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AMilestonesRateMustBeFinite(double rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MilestoneSchedule(0.1, new[] { (2, 0.5), (4, rate) }));
        Assert.That(ex!.ParamName, Is.EqualTo("milestones"));
        Assert.That(ex.Message, Does.Contain("finite"));
    }
}
