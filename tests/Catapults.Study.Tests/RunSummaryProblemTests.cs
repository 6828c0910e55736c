using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunSummary.Problem on summaries edited by hand: summary.json has no checksum of its own, so each value no run could
/// have written must be named, and each value a run does write must pass. Found by mutation testing (6 Dec 2026, round 12B):
/// the damaged-run tests only edit losses, outcomes, counts and the alignment. The numbers in the messages follow the
/// current culture, so only the field and the reason are compared.
/// </summary>
public sealed class RunSummaryProblemTests
{
    private static readonly RunSummary Finished = new()
    {
        Label = "b10-seed0", Outcome = "TargetLossReached", Steps = 200, WallSeconds = 3.5, TrainLoss = 0.01, TestLoss = 0.2,
        TrainError = 0, TestError = 1, AgopAlignment = 0.9, Catapults = 2, Spikes = 3, ResumedFromStep = 200,
    };

    [Test]
    public void ValuesARunWritesPass() => Assert.That(Finished.Problem(), Is.Null, "an error of 0 or 1 and a resume at the last step are possible");

    // A fast test of the step count (27B noticed that only a 40-second damaged-run test caught its removal).
    [Test]
    public void ANegativeStepCountIsNamed()
    {
        Assert.That((Finished with { Steps = -1, ResumedFromStep = null }).Problem(), Is.EqualTo("steps -1 is negative"));
        Assert.That((Finished with { Steps = 0, ResumedFromStep = 0 }).Problem(), Is.Null, "a run may stop before its first step");
    }

    [Test]
    public void AnErrorRateAboveOneIsNamed()
    {
        Assert.That((Finished with { TestError = 1.5 }).Problem(), Does.StartWith("testError ").And.EndWith(" is not an error rate in 0..1"));
        Assert.That((Finished with { TrainError = -0.25 }).Problem(), Does.StartWith("trainError ").And.EndWith(" is not an error rate in 0..1"));
    }

    [Test]
    public void ANegativeOrUndefinedWallTimeIsNamed()
    {
        Assert.That((Finished with { WallSeconds = -1 }).Problem(), Does.StartWith("wallSeconds ").And.EndWith(" is not a finite time"));
        Assert.That((Finished with { WallSeconds = double.NaN }).Problem(), Does.StartWith("wallSeconds ").And.EndWith(" is not a finite time"));
        Assert.That((Finished with { WallSeconds = 0 }).Problem(), Is.Null, "a run restored from its files may take no time");
    }

    [Test]
    public void AResumeAfterTheLastStepIsNamed()
    {
        // A checkpoint is taken after a step the run made, so a resume from step 201 of 200 never happened.
        Assert.That((Finished with { ResumedFromStep = 201 }).Problem(), Does.StartWith("resumedFromStep ").And.EndWith(" is not a step of the run's 200"));
        Assert.That((Finished with { ResumedFromStep = -1 }).Problem(), Does.StartWith("resumedFromStep ").And.EndWith(" is not a step of the run's 200"));
    }

    [Test]
    public void MoreCatapultsThanSpikesIsNamed()
    {
        // Every catapult is a spike with a λ_max drop, so 3 spikes hold at most 3 catapults.
        Assert.That((Finished with { Catapults = 4 }).Problem(), Is.EqualTo("spikes 3 is fewer than its 4 catapults"));
        Assert.That((Finished with { Catapults = 3 }).Problem(), Is.Null);
    }
    // Found by mutation testing (6 Dec 2026, round 16B): a cosine is bounded on both sides, and a perfect alignment that
    // rounds a hair past 1 is one a run writes.
    [Test]
    public void AnAlignmentBelowMinusOneIsNamed()
    {
        Assert.That((Finished with { AgopAlignment = -1.5 }).Problem(), Does.StartWith("agopAlignment ").And.EndWith(" is not a cosine in −1..1"));
        Assert.That((Finished with { AgopAlignment = 1.5 }).Problem(), Does.StartWith("agopAlignment ").And.EndWith(" is not a cosine in −1..1"));
        Assert.That((Finished with { AgopAlignment = -1 }).Problem(), Is.Null);
        Assert.That((Finished with { AgopAlignment = 1 + 1e-7 }).Problem(), Is.Null, "within the rounding slack of 1e-6");
    }

    // Found by mutation testing (7 Dec 2026, round 27B): the slack is for rounding, not for a cosine of 1.00001.
    [Test]
    public void AnAlignmentPastTheRoundingSlackIsNamed()
    {
        Assert.That((Finished with { AgopAlignment = 1 + 1e-5 }).Problem(), Does.StartWith("agopAlignment ").And.EndWith(" is not a cosine in −1..1"));
        Assert.That((Finished with { AgopAlignment = -1 - 1e-5 }).Problem(), Does.StartWith("agopAlignment ").And.EndWith(" is not a cosine in −1..1"));
    }

    [Test]
    public void AnInfiniteWallTimeOrLossIsNamed()
    {
        Assert.That((Finished with { WallSeconds = double.PositiveInfinity }).Problem(), Does.StartWith("wallSeconds ").And.EndWith(" is not a finite time"));
        Assert.That((Finished with { TrainLoss = double.PositiveInfinity }).Problem(), Does.StartWith("trainLoss ").And.EndWith(" is not a finite loss ≥ 0"));
        Assert.That((Finished with { TestLoss = double.PositiveInfinity }).Problem(), Does.StartWith("testLoss ").And.EndWith(" is not a finite loss ≥ 0"));
    }

    // A negative count is named for what it is, before the spikes are compared with it.
    [Test]
    public void ANegativeCatapultCountIsNamed() =>
        Assert.That((Finished with { Catapults = -1 }).Problem(), Is.EqualTo("catapults -1 is negative"));

    // A cancelled run keeps its checkpoint and writes no summary, so a summary that says so was not written by a run.
    [Test]
    public void ACancelledOutcomeIsNamed() =>
        Assert.That((Finished with { Outcome = "Cancelled" }).Problem(), Does.StartWith("outcome 'Cancelled' is not an outcome a finished run records"));
}
