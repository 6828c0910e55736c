using Catapults.ML.Probes;
using Catapults.ML.Training;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// StudyResult's own checks on hand-built results: <see cref="StudyResult.Problem"/> against its stated list (three arms;
/// losses finite and ≥ 0, zero included, in every phase that did not diverge, the SGD steps before GD too; χ_k in 0..1;
/// counts ≥ 0), the outlier gap λ_k / λ_k+1 (NaN when λ_k+1 is unknown or 0) and the peak edge ratio over the warm-up
/// and the base arm only. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class StudyResultProblemTests
{
    private static readonly DominantSubspaceSettings Settings = new() { Classes = 2, LearningRate = 0.5 };

    private static SubspaceAlignmentRecord Record(int step, double alignment = 0.5, double lambda = 3.0) =>
        new(step, false, 0.1, alignment, new[] { lambda, lambda / 2 }, 10);

    private static ArmResult Arm(string name, double loss = 0.1, TrainingOutcome outcome = TrainingOutcome.BudgetReached, double lambda = 3.0) =>
        new(name, new[] { (0, 0.2), (1, loss) }, new[] { Record(0, lambda: lambda), Record(1, lambda: lambda) }, outcome, loss, 1, 10);

    private static StudyResult Result(params ArmResult[] arms) =>
        new(Settings, "test", 100, Arm("warm-up"), 0.2, new[] { 4.0, 3.0, 1.0 }, arms.Length == 0 ? new[] { Arm("SGD"), Arm("Dom-SGD"), Arm("Bulk-SGD") } : arms, TimeSpan.FromSeconds(1));

    [Test]
    public void ASoundResultHasNoProblemAndALossOfZeroIsALoss()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Result().Problem(), Is.Null);
            Assert.That(Result(Arm("SGD", loss: 0), Arm("Dom-SGD"), Arm("Bulk-SGD")).Problem(), Is.Null, "a loss of exactly 0 is a loss ≥ 0");
            Assert.That((Result() with { LossAtSwitch = 0 }).Problem(), Is.Null);
        });
    }

    [Test]
    public void FewerThanThreeArmsAreAProblem() =>
        Assert.That(Result(Arm("SGD"), Arm("Dom-SGD")).Problem(), Does.StartWith("2 arms instead of"));

    // Exactly three: a fourth arm is no arm of the study either (mutation round 35B).
    [Test]
    public void MoreThanThreeArmsAreAProblem() =>
        Assert.That(Result(Arm("SGD"), Arm("Dom-SGD"), Arm("Bulk-SGD"), Arm("SGD")).Problem(), Does.StartWith("4 arms instead of"));

    [Test]
    public void AnInfiniteLossInAPhaseThatDidNotDivergeIsAProblem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Result(Arm("SGD"), Arm("Dom-SGD", loss: double.PositiveInfinity), Arm("Bulk-SGD")).Problem(), Does.Contain("'Dom-SGD' has the loss ∞").Or.Contain("'Dom-SGD' has the loss Infinity"));
            Assert.That((Result() with { LossAtSwitch = double.PositiveInfinity }).Problem(), Does.StartWith("the loss at the switch"));
        });
    }

    [Test]
    public void ADivergedArmKeepsTheValueThatExposedIt()
    {
        var diverged = Arm("Bulk-SGD", loss: double.NaN, outcome: TrainingOutcome.Diverged);
        Assert.That(Result(Arm("SGD"), Arm("Dom-SGD"), diverged).Problem(), Is.Null);
    }

    [Test]
    public void ANegativeCountOfEitherKindIsAProblem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Result(Arm("SGD") with { HessianProducts = -1 }, Arm("Dom-SGD"), Arm("Bulk-SGD")).Problem(), Is.EqualTo("'SGD' has a negative count"));
            Assert.That(Result(Arm("SGD") with { Refreshes = -1 }, Arm("Dom-SGD"), Arm("Bulk-SGD")).Problem(), Is.EqualTo("'SGD' has a negative count"));
        });
    }

    [Test]
    public void AnAlignmentAboveOneIsAProblem()
    {
        var arm = Arm("Dom-SGD") with { Alignment = new[] { Record(0, alignment: 1.5) } };
        Assert.That(Result(Arm("SGD"), arm, Arm("Bulk-SGD")).Problem(), Does.StartWith("'Dom-SGD' has χ_k = 1.5 at step 0, outside 0..1"));
    }

    [Test]
    public void AnEigenvalueAtTheSwitchThatIsNotFiniteIsAProblem() =>
        Assert.That((Result() with { SwitchEigenvalues = new[] { 4.0, double.NaN, 1.0 } }).Problem(), Does.StartWith("the eigenvalues at the switch, ").And.EndWith(", are not all finite"));

    // χ_k is a ratio of norms in floating point: a hair above 1 is rounding, not damage (mutation round 14B).
    [Test]
    public void AnAlignmentWithinRoundingOfOneIsNoProblem()
    {
        var rounded = Arm("Dom-SGD") with { Alignment = new[] { Record(0, alignment: 1 + 1e-7) } };
        Assert.That(Result(Arm("SGD"), rounded, Arm("Bulk-SGD")).Problem(), Is.Null);
        var over = Arm("Dom-SGD") with { Alignment = new[] { Record(0, alignment: 1 + 1e-5) } };
        Assert.That(Result(Arm("SGD"), over, Arm("Bulk-SGD")).Problem(), Does.StartWith("'Dom-SGD' has χ_k = ").And.EndWith(" at step 0, outside 0..1"));
    }

    [Test]
    public void TheSgdStepsBeforeGdAreCheckedToo()
    {
        var result = Result() with { SgdWarmUp = Arm("SGD warm-up", loss: -1) };
        Assert.That(result.Problem(), Does.StartWith("'SGD warm-up' has the loss -1 at step 1"));
    }

    [Test]
    public void TheOutlierGapNeedsANonZeroEigenvalueAfterTheKth()
    {
        // k = 2 (the classes): λ₂ / λ₃.
        Assert.Multiple(() =>
        {
            Assert.That(Result().OutlierGap, Is.EqualTo(3.0));
            Assert.That((Result() with { SwitchEigenvalues = new[] { 4.0, 3.0 } }).OutlierGap, Is.NaN, "λ₃ unknown");
            Assert.That((Result() with { SwitchEigenvalues = new[] { 4.0, 3.0, 0.0 } }).OutlierGap, Is.NaN, "λ₃ = 0");
        });
    }

    [Test]
    public void ThePeakEdgeRatioReadsTheWarmUpAndTheBaseArmOnly()
    {
        // λ_max · η / 2 with η = 0.5: the warm-up's 3 gives 0.75, the base arm's 6 gives 1.5; the bulk arm's 10 is not at η's steps.
        var result = Result(Arm("SGD", lambda: 6), Arm("Dom-SGD", lambda: 2), Arm("Bulk-SGD", lambda: 10));
        Assert.That(result.PeakEdgeRatio, Is.EqualTo(1.5));
        Assert.That(result.MeanEdgeRatio(result.Arms[2]), Is.EqualTo(2.5));
    }

    // Means over an arm without records are unknown, not 0 (mutation round 14B).
    [Test]
    public void MeansOverAnArmWithoutRecordsAreNaN()
    {
        var empty = Arm("Dom-SGD") with { Alignment = Array.Empty<SubspaceAlignmentRecord>() };
        var result = Result(Arm("SGD"), empty, Arm("Bulk-SGD"));
        Assert.That(result.MeanEdgeRatio(empty), Is.NaN);
        Assert.That(StudyResult.MeanAlignment(empty), Is.NaN);
        Assert.That(StudyResult.MeanAlignment(Arm("SGD")), Is.EqualTo(0.5));
    }

    // Found by mutation testing (7 Dec 2026, round 21B): the phases before the switch come in step order, the SGD steps
    // first, as losses.csv and alignment.csv list them.
    [Test]
    public void ThePhasesBeforeTheSwitchComeInStepOrder()
    {
        Assert.That(Result().Phases.Select(p => p.Name), Is.EqualTo(new[] { "warm-up" }));
        Assert.That((Result() with { SgdWarmUp = Arm("SGD warm-up") }).Phases.Select(p => p.Name), Is.EqualTo(new[] { "SGD warm-up", "warm-up" }));
    }
}
