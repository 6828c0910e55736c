using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// FeatureStrengthStudyReport.BestLossAt where a cell has nothing to give at the step: a non-finite held-out loss is
/// no candidate for the lowest, and a cell first evaluated after the step has no evaluation at or before it.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class BestLossAtGuardTests
{
    private static SweepCellResult Cell(double rate, int[] steps, double[] losses) => new()
    {
        Cell = new SweepCell(0, 1.0, 0, rate), Outcome = TrainingOutcome.BudgetReached, Steps = steps[^1], TestLossSteps = steps, TestLosses = losses,
    };

    private static SweepResult Result(params SweepCellResult[] cells) =>
        new(cells, Array.Empty<GammaScanSummary>(), null, null, cells.Length, 0, TimeSpan.Zero);

    [Test]
    public void ANonFiniteLossIsPassedOver()
    {
        var result = Result(Cell(0.1, [0, 10], [1.0, double.NaN]), Cell(0.2, [0, 10], [1.0, 0.5]), Cell(0.4, [0, 10], [1.0, double.PositiveInfinity]));
        Assert.That(FeatureStrengthStudyReport.BestLossAt(result, 0, 10), Is.EqualTo(0.5));
        Assert.That(FeatureStrengthStudyReport.BestLossAt(Result(Cell(0.1, [0, 10], [1.0, double.NaN])), 0, 10), Is.Null);
    }

    [Test]
    public void ACellFirstEvaluatedAfterTheStepIsPassedOver()
    {
        var result = Result(Cell(0.1, [10, 20], [0.3, 0.2]), Cell(0.2, [0, 20], [0.9, 0.1]));
        Assert.Multiple(() =>
        {
            Assert.That(FeatureStrengthStudyReport.BestLossAt(result, 0, 5), Is.EqualTo(0.9));
            Assert.That(FeatureStrengthStudyReport.BestLossAt(Result(Cell(0.1, [10, 20], [0.3, 0.2])), 0, 5), Is.Null);
        });
    }
}
