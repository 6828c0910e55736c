using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="SweepCellResult.Inconsistency"/> is what stops a damaged store
/// file from reaching a fit, and three of its rules had no test: a divergence step in a run that did not diverge, a
/// NaN loss in such a run (NaN fails every comparison, so a check written as <c>loss &lt; 0</c> lets it through), and
/// a negative catapult count.
/// </summary>
public sealed class StoredCellConsistencyTests
{
    // A consistent record of a 4-step run that did not diverge.
    private static SweepCellResult Sound() => new()
    {
        Cell = new SweepCell(0, 1.0, 0, 1.0),
        Outcome = TrainingOutcome.BudgetReached,
        Steps = 4,
        BatchLosses = new[] { 1.0, 0.8, 0.6, 0.5 },
        TestLossSteps = new[] { 0, 4 },
        TestLosses = new[] { 1.1, 0.55 },
        FinalOnlineLoss = 0.5,
        FinalTestLoss = 0.55,
        CatapultCount = 0,
    };

    [Test]
    public void ASoundRecordIsConsistent() => Assert.That(Sound().Inconsistency(), Is.Null);

    [Test]
    public void ADivergenceStepInARunThatDidNotDivergeIsInconsistent() =>
        Assert.That((Sound() with { DivergenceStep = 2 }).Inconsistency(), Does.Contain("divergence step"));

    [Test]
    public void ANaNLossInARunThatDidNotDivergeIsInconsistent()
    {
        Assert.Multiple(() =>
        {
            Assert.That((Sound() with { BatchLosses = new[] { 1.0, double.NaN, 0.6, 0.5 } }).Inconsistency(), Does.Contain("NaN"));
            Assert.That((Sound() with { TestLosses = new[] { 1.1, double.NaN } }).Inconsistency(), Does.Contain("NaN"));
            Assert.That((Sound() with { FinalTestLoss = double.NaN }).Inconsistency(), Does.Contain("NaN"));
        });
    }

    [Test]
    public void ANegativeCatapultCountIsInconsistent() =>
        Assert.That((Sound() with { CatapultCount = -1 }).Inconsistency(), Does.Contain("catapultCount is -1"));

    // A held-out loss "at step 5" of a 4-step run cannot have been measured: the record is damaged. Found by mutation
    // testing (round 19C): only the lower bound and the order of the steps were checked.
    [Test]
    public void AHeldOutLossAfterTheLastStepIsInconsistent()
    {
        Assert.That((Sound() with { TestLossSteps = new[] { 0, 5 } }).Inconsistency(), Is.EqualTo("testLossSteps are not ordered steps in 0..4"));
        Assert.That((Sound() with { TestLossSteps = new[] { 0, 4 } }).Inconsistency(), Is.Null, "the final weights, after step 4, are measured");
    }

    // Found by mutation testing (round 24B): the wall time, the order of the held-out steps, a curve shorter than the
    // run and the length of a diverged run's curve had no test.
    [TestCase(-1.0, "wallSeconds is -1")]
    [TestCase(double.NaN, "wallSeconds is NaN")]
    [TestCase(double.PositiveInfinity, "wallSeconds is Infinity")]
    public void AWallTimeThatIsNegativeOrNotFiniteIsInconsistent(double seconds, string reason) =>
        Assert.That((Sound() with { WallSeconds = seconds }).Inconsistency(), Is.EqualTo(reason));

    [Test]
    public void HeldOutStepsOutOfOrderAreInconsistent()
    {
        Assert.That((Sound() with { TestLossSteps = new[] { 4, 0 } }).Inconsistency(), Is.EqualTo("testLossSteps are not ordered steps in 0..4"));
        // The last scheduled evaluation may coincide with the final one: a repeated step is in order.
        Assert.That((Sound() with { TestLossSteps = new[] { 4, 4 } }).Inconsistency(), Is.Null);
    }

    [Test]
    public void ARunThatDidNotDivergeHasOneBatchLossPerStep() =>
        Assert.That((Sound() with { BatchLosses = new[] { 1.0, 0.8, 0.6 } }).Inconsistency(), Is.EqualTo("3 batch losses for 4 steps"));

    // A diverged run's curve may hold one loss more than its updates (the rule's own allowance); two more cannot be
    // the record of that run.
    [Test]
    public void ADivergedRunHasAtMostOneBatchLossMoreThanItsSteps()
    {
        var diverged = Sound() with
        {
            Outcome = TrainingOutcome.Diverged, DivergenceStep = 4, FinalOnlineLoss = null, FinalTestLoss = null,
        };
        Assert.Multiple(() =>
        {
            Assert.That((diverged with { BatchLosses = new[] { 1.0, 0.8, 0.6, 0.5, double.PositiveInfinity } }).Inconsistency(), Is.Null);
            Assert.That((diverged with { BatchLosses = new[] { 1.0, 0.8, 0.6, 0.5, 9.0, double.PositiveInfinity } }).Inconsistency(),
                Is.EqualTo("6 batch losses for 4 steps"));
        });
    }

    // A run that diverged after its held-out loss stalled is diverged, not frozen: the summaries count the two apart.
    // Found by mutation testing (round 24B).
    [Test]
    public void ADivergedRunWithEqualHeldOutLossesIsNotFrozen()
    {
        var stalled = Sound() with { TestLossSteps = new[] { 0, 2, 4 }, TestLosses = new[] { 0.7, 0.7, 0.7 } };
        Assert.Multiple(() =>
        {
            Assert.That(stalled.Frozen, Is.True);
            Assert.That((stalled with { Outcome = TrainingOutcome.Diverged }).Frozen, Is.False);
        });
    }
}
