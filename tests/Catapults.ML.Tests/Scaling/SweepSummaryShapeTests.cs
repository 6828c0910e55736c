using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): what <see cref="FeatureStrengthSweep.Summarise"/> reports besides η*. The
/// order of <see cref="SweepResult.Cells"/> (by γ, then by decreasing η, as the heat map reads them) and the count of
/// cells per γ, which includes the diverged ones, were unchecked.
/// </summary>
public sealed class SweepSummaryShapeTests
{
    private const double Spacing = 0.25;

    private static SweepCellResult Cell(int gammaIndex, double gamma, int level, bool diverged, double loss = 0.5) => new()
    {
        Cell = new SweepCell(gammaIndex, gamma, level, SweepCell.RateAtLevel(level, Spacing)),
        Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
        FinalTestLoss = diverged ? null : loss,
        Steps = 10,
    };

    private static FeatureStrengthSweepOptions Options() => new()
    {
        Gammas = new[] { 0.1, 10.0 }, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1.0,
    };

    [Test]
    public void CellsComeOrderedByGammaThenByDecreasingRate()
    {
        // Given out of order on purpose.
        var cells = new[]
        {
            Cell(1, 10.0, -1, false), Cell(0, 0.1, -2, false), Cell(1, 10.0, 1, true),
            Cell(0, 0.1, 0, true), Cell(0, 0.1, -1, false), Cell(1, 10.0, 0, false),
        };
        var result = FeatureStrengthSweep.Summarise(Options(), cells);
        var order = result.Cells.Select(c => (c.Cell.GammaIndex, c.Cell.Level)).ToList();
        Assert.That(order, Is.EqualTo(new[] { (0, 0), (0, -1), (0, -2), (1, 1), (1, 0), (1, -1) }));
        for (int i = 1; i < result.Cells.Count; i++)
            if (result.Cells[i].Cell.GammaIndex == result.Cells[i - 1].Cell.GammaIndex)
                Assert.That(result.Cells[i].Cell.LearningRate, Is.LessThan(result.Cells[i - 1].Cell.LearningRate));
    }

    [Test]
    public void EachGammasCellCountIncludesItsDivergedCells()
    {
        // γ #0: two diverged and two stable cells; γ #1: one stable cell.
        var cells = new[]
        {
            Cell(0, 0.1, 2, true), Cell(0, 0.1, 1, true), Cell(0, 0.1, 0, false), Cell(0, 0.1, -1, false),
            Cell(1, 10.0, 0, false),
        };
        var result = FeatureStrengthSweep.Summarise(Options(), cells);
        Assert.That(result.Gammas.Select(g => g.Cells), Is.EqualTo(new[] { 4, 1 }));
    }
}
