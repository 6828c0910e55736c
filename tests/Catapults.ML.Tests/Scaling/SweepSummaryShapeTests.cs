using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): what <see cref="FeatureStrengthSweep.Summarise"/> reports besides η*. The
/// order of <see cref="SweepResult.Cells"/> (by γ, then by decreasing η, as the heat map reads them) and the count of
/// cells per γ, which includes the diverged ones, were unchecked; so were γ = 1 staying out of both slope fits when
/// there is no crossover band, and the held-out loss outranking the online loss in choosing η*.
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

    [Test]
    public void GammaOneIsInNeitherFitWithoutACrossoverBand()
    {
        // SlopeFitExclusionDecades = 0: the lazy side is γ < 1 and the rich side γ > 1, so γ = 1 sits in neither.
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 0.01, 0.1, 1.0, 10.0, 100.0 }, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1.0,
        };
        // η* = 10^(−k/4) at γ #k: a line in log-log space on either side, but γ = 1 would bend neither.
        var cells = options.Gammas.Select((g, i) => Cell(i, g, -i, false)).ToList();
        var result = FeatureStrengthSweep.Summarise(options, cells);
        Assert.That(result.LazySlope!.Points, Is.EqualTo(2));
        Assert.That(result.RichSlope!.Points, Is.EqualTo(2));
    }

    [Test]
    public void EtaStarIsChosenByTheHeldOutLossWhereThereIsOne()
    {
        // The online loss favours level 0, the held-out loss level −1: the held-out loss ranks the cells.
        var cells = new[]
        {
            Cell(0, 0.1, 1, true),
            Cell(0, 0.1, 0, false, loss: 0.6) with { FinalOnlineLoss = 0.1 },
            Cell(0, 0.1, -1, false, loss: 0.4) with { FinalOnlineLoss = 0.3 },
            Cell(1, 10.0, 0, false),
        };
        var summary = FeatureStrengthSweep.Summarise(Options(), cells).Gammas[0];
        Assert.That(summary.BestLatticeLearningRate, Is.EqualTo(SweepCell.RateAtLevel(-1, Spacing)));
        Assert.That(summary.BestLoss, Is.EqualTo(0.4));
    }

    // Found by mutation testing (round 24B): the sweep's catapult counter fills every cell's count when the results
    // are assembled, and η*'s count is its cell's; nothing in the engine's tests set a counter.
    [Test]
    public void TheCatapultCounterFillsEveryCellAndTheCountAtEtaStar()
    {
        var options = Options();
        // A counter that reads the curve: one "catapult" per batch loss, so each cell's count is its curve's length.
        options.CatapultCounter = losses => losses.Count;
        var cells = new[]
        {
            Cell(0, 0.1, 1, diverged: true) with { BatchLosses = new[] { 1.0 } },
            Cell(0, 0.1, 0, diverged: false, loss: 0.2) with { BatchLosses = new double[10] },
            Cell(0, 0.1, -1, diverged: false, loss: 0.4) with { BatchLosses = new double[7] },
        };
        var result = FeatureStrengthSweep.Summarise(options, cells);
        Assert.Multiple(() =>
        {
            Assert.That(result.Cells.Select(c => c.CatapultCount), Is.EqualTo(new int?[] { 1, 10, 7 }));
            Assert.That(result.Gammas[0].CatapultCountAtBest, Is.EqualTo(10));
        });
    }
}
