using Catapults.ML.Scaling;
using Catapults.ML.Training;

using static Catapults.ML.Tests.Scaling.ScanDriver;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (5 Dec 2026), each a fault no test saw: the scan's lattice decisions, driven by hand with a fixed stability edge, and the
/// sub-lattice refinement of η* and the crossover band of the slope fits, checked on hand-made cells.
/// </summary>
public sealed class LearningRateScanTests
{
    private const double Spacing = 0.25;

    private static FeatureStrengthSweepOptions Options(int maxCells = 40, bool continueWhileImproving = false) => new()
    {
        Gammas = new[] { 1.0 },
        LevelSpacingDecades = Spacing,
        StartingLearningRate = _ => 1.0, // level 0
        MaxDecadesAbove = 1.0,           // 4 levels above the start
        DecadesBelowFirstStable = 0.5,   // 2 levels below the first stable rate
        MaxCellsPerGamma = maxCells,
        ContinueWhileImproving = continueWhileImproving,
    };

    [Test]
    public void AScanThatNeverDivergesClimbsNoHigherThanMaxDecadesAbove()
    {
        var levels = Drive(Options(), edge: int.MaxValue, loss: _ => 1.0);
        Assert.That(levels.Max(), Is.EqualTo(4), "MaxDecadesAbove = 1 decade = 4 levels of 0.25 above the start");
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void AScanContinuesExactlyDecadesBelowFirstStableBelowTheFirstStableRate()
    {
        // Level 0 stable, level 1 diverges: the first stable rate is level 0, and the scan runs 2 levels below it.
        var levels = Drive(Options(), edge: 1, loss: _ => 1.0);
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, -1, -2 }));
    }

    [Test]
    public void AScanStopsAtMaxCellsPerGamma()
    {
        var levels = Drive(Options(maxCells: 3), edge: 1, loss: _ => 1.0);
        Assert.That(levels, Has.Count.EqualTo(3));
    }

    [Test]
    public void AScanContinuesWhileItsBestRateIsItsLowest()
    {
        // The loss falls down to level −4 and rises below it: the scan goes past the two levels until η* has a
        // neighbour below.
        var levels = Drive(Options(continueWhileImproving: true), edge: 1, loss: k => 1 + (k + 4) * (k + 4));
        Assert.That(levels.Min(), Is.EqualTo(-5));
    }

    private static SweepCellResult Stable(int level, double loss) =>
        Result(new SweepCell(0, 1.0, level, SweepCell.RateAtLevel(level, Spacing)), false, loss);

    [Test]
    public void RefinementLeansTowardsTheNeighbourWithTheLowerLoss()
    {
        var column = new[] { Stable(-1, 1.0), Stable(0, 0.5), Stable(1, 0.8) };
        double refined = FeatureStrengthSweep.RefineBest(column[1], column, Spacing);
        double ym = 0, y0 = Math.Log10(0.5), yp = Math.Log10(0.8);
        double offset = 0.5 * (ym - yp) / (ym - 2 * y0 + yp);
        Assert.That(offset, Is.GreaterThan(0));
        Assert.That(refined, Is.EqualTo(Math.Pow(10, offset * Spacing)).Within(1e-12));
        Assert.That(refined, Is.GreaterThan(column[1].Cell.LearningRate), "the upper neighbour has the lower loss");
    }

    [Test]
    public void AFlatColumnKeepsTheLatticeRate()
    {
        // Equal losses (a plateau): no parabola opens upwards, so η* is the lattice rate, never NaN.
        var column = new[] { Stable(-1, 0.5), Stable(0, 0.5), Stable(1, 0.5) };
        double refined = FeatureStrengthSweep.RefineBest(column[1], column, Spacing);
        Assert.That(refined, Is.EqualTo(column[1].Cell.LearningRate));
    }

    [Test]
    public void TheLazyFitIncludesTheGammaAtTheEdgeOfTheCrossoverBand()
    {
        // The fit uses γ ≤ 10^(−c): with c = 1, γ = 0.1 is in it.
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 0.01, 0.1, 1.0, 10.0, 100.0 }, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1.0,
            SlopeFitExclusionDecades = 1.0,
        };
        var cells = options.Gammas.Select((g, i) => Result(new SweepCell(i, g, -i, SweepCell.RateAtLevel(-i, Spacing)), false, 0.5)).ToList();
        var result = FeatureStrengthSweep.Summarise(options, cells);
        Assert.That(result.LazySlope, Is.Not.Null);
        Assert.That(result.LazySlope!.Points, Is.EqualTo(2));
        Assert.That(result.RichSlope!.Points, Is.EqualTo(2));
    }

    [Test]
    public void TheFitsRSquaredIsOneMinusResidualOverTotal()
    {
        // Points (0, 0), (1, 1), (2, 3) in log space: SSE = 1/6, total 14/3, so R² = 1 − 1/28.
        var noisy = LogLogFit.Fit(new[] { 1.0, 10, 100 }, new[] { 1.0, 10, 1000 });
        Assert.That(noisy.RSquared, Is.EqualTo(27.0 / 28).Within(1e-12));
    }

    [Test]
    public void ThreeEqualHeldOutLossesAreFrozen()
    {
        // FrozenEvaluations = 3: a run with exactly three evaluations, all equal to the bit, is frozen.
        var cell = Stable(0, 0.7) with { TestLosses = new[] { 0.7, 0.7, 0.7 }, TestLossSteps = new[] { 0, 10, 20 } };
        Assert.That(cell.Frozen, Is.True);
    }

    [Test]
    public void OfTwoRatesWithTheSameLossTheLargerIsEtaStar()
    {
        var options = new FeatureStrengthSweepOptions { Gammas = new[] { 1.0 }, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1.0 };
        var cells = new[] { Stable(-2, 0.9), Stable(-1, 0.5), Stable(0, 0.5), Result(new SweepCell(0, 1.0, 1, SweepCell.RateAtLevel(1, Spacing)), true, 0) };
        var summary = FeatureStrengthSweep.Summarise(options, cells).Gammas.Single();
        Assert.That(summary.BestLatticeLearningRate, Is.EqualTo(SweepCell.RateAtLevel(0, Spacing)));
    }

    [Test]
    public void AResultWithMoreTestLossesThanTheirStepsIsInconsistent()
    {
        // A torn or edited store file: three held-out losses but only two steps at which they were taken.
        var cell = Stable(0, 0.7) with { TestLosses = new[] { 0.9, 0.8, 0.7 }, TestLossSteps = new[] { 0, 10 }, BatchLosses = new double[10] };
        Assert.That(cell.Inconsistency(), Does.Contain("2 test-loss steps for 3 test losses"));
    }

    [Test]
    public void AScanRefusesAnotherGammasCellAndIsNotMovedByIt()
    {
        // A stored cell of γ #0 replayed into γ #1's scan would otherwise steer that scan (here: a divergence at its
        // starting level, sending it down instead of up). Found by mutation testing (round 19C).
        var scan = new LearningRateScan(1, 10.0, Options());
        var foreign = new SweepCell(0, 1.0, 0, 1.0);
        var ex = Assert.Throws<ArgumentException>(() => scan.Record(Result(foreign, diverged: true, loss: 0)));
        Assert.That(ex!.ParamName, Is.EqualTo("result"));
        Assert.That(ex.Message, Does.StartWith("Cell g00_k+000 does not belong to γ #1."));
        Assert.That(scan.Results, Is.Empty);
        Assert.That(scan.Next(), Is.EqualTo(scan.CellAt(0)), "the scan still starts at its first level");
    }
}
