using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="FeatureStrengthCellSpec.Mismatch"/> keeps a result of another
/// step budget out of a sweep. One step over the budget is already too many, also for a run that diverged; the
/// engine's tests never fed it a result.
/// </summary>
public sealed class CellSpecBudgetMismatchTests
{
    private static SweepCellResult Result(int steps, bool diverged) => new()
    {
        Cell = new SweepCell(0, 1.0, 0, 1.0),
        Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
        Steps = steps,
    };

    [Test]
    public void AResultIsMatchedAgainstTheSpecsStepBudget()
    {
        var spec = new FeatureStrengthCellSpec().WithSteps(10);
        Assert.Multiple(() =>
        {
            Assert.That(spec.Mismatch(Result(10, diverged: false)), Is.Null);
            Assert.That(spec.Mismatch(Result(3, diverged: true)), Is.Null, "a diverged run stops early");
            Assert.That(spec.Mismatch(Result(10, diverged: true)), Is.Null, "divergence seen at the final weights");
            Assert.That(spec.Mismatch(Result(11, diverged: true)), Does.Contain("11 steps, more than this sweep's budget of 10"));
            Assert.That(spec.Mismatch(Result(11, diverged: false)), Does.Contain("more than this sweep's budget of 10"));
            Assert.That(spec.Mismatch(Result(9, diverged: false)), Does.Contain("9 steps without diverging, not this sweep's 10"));
        });
    }
}
