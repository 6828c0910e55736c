using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// FeatureStrengthStudyReport.BestLossAt, the common-budget line of best-loss.png and the report's table: the lowest
/// held-out loss over a γ's stable cells at the last evaluation at or before the step, by hand.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class BestLossAtTests
{
    private static SweepCellResult Cell(int gammaIndex, double rate, TrainingOutcome outcome, int[] steps, double[] losses) => new()
    {
        Cell = new SweepCell(gammaIndex, 1.0, 0, rate), Outcome = outcome, Steps = steps[^1], TestLossSteps = steps, TestLosses = losses,
    };

    private static SweepResult Result(params SweepCellResult[] cells) =>
        new(cells, Array.Empty<GammaScanSummary>(), null, null, cells.Length, 0, TimeSpan.Zero);

    [Test]
    public void AnEvaluationAtTheStepItselfCounts()
    {
        var result = Result(Cell(0, 0.1, TrainingOutcome.BudgetReached, [0, 10, 20, 30], [1.0, 0.8, 0.5, 0.1]));
        // The last evaluation at or before step 20 is the one at 20 (0.5), not the one at 10.
        Assert.That(FeatureStrengthStudyReport.BestLossAt(result, 0, 20), Is.EqualTo(0.5));
    }

    [Test]
    public void TheLowestLossOverTheStableCellsOfTheGammaIsTaken()
    {
        var result = Result(
            Cell(0, 0.1, TrainingOutcome.BudgetReached, [0, 10, 20], [1.0, 0.9, 0.7]),
            Cell(0, 0.2, TrainingOutcome.BudgetReached, [0, 10, 20], [1.0, 0.6, 0.3]),
            Cell(0, 0.4, TrainingOutcome.BudgetReached, [0, 10, 20], [1.0, 0.8, 0.4]),
            // A diverged cell's losses before it diverged are not a result of the γ.
            Cell(0, 0.8, TrainingOutcome.Diverged, [0, 10], [1.0, 0.01]),
            // Another γ's cell is not read.
            Cell(1, 0.1, TrainingOutcome.BudgetReached, [0, 10, 20], [1.0, 0.05, 0.02]));
        Assert.Multiple(() =>
        {
            Assert.That(FeatureStrengthStudyReport.BestLossAt(result, 0, 25), Is.EqualTo(0.3));
            Assert.That(FeatureStrengthStudyReport.BestLossAt(result, 0, 15), Is.EqualTo(0.6));
        });
    }
}
