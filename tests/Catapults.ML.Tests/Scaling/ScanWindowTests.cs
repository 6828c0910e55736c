using Catapults.ML.Scaling;
using Catapults.ML.Training;

using static Catapults.ML.Tests.Scaling.ScanDriver;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): the scan's window options. A scan that kept going below its window although
/// <see cref="FeatureStrengthSweepOptions.ContinueWhileImproving"/> was off, or that rounded
/// <see cref="FeatureStrengthSweepOptions.MaxDecadesAbove"/> up to a whole level, left the suite green, because the
/// existing scans used constant losses and whole-level decade counts. So did rounding
/// <see cref="FeatureStrengthSweepOptions.DecadesBelowFirstStable"/> down, and breaking a tie of losses towards the
/// lower rate when deciding whether the lowest rate is the best.
/// </summary>
public sealed class ScanWindowTests
{
    private const double Spacing = 0.25;

    private static FeatureStrengthSweepOptions Options(double maxDecadesAbove, bool continueWhileImproving, double decadesBelow = 0.5) => new()
    {
        Gammas = new[] { 1.0 },
        LevelSpacingDecades = Spacing,
        StartingLearningRate = _ => 1.0, // level 0
        MaxDecadesAbove = maxDecadesAbove,
        DecadesBelowFirstStable = decadesBelow, // 0.5: 2 levels below the first stable rate
        ContinueWhileImproving = continueWhileImproving,
    };

    [Test]
    public void WithoutContinueWhileImprovingTheScanStopsAtItsWindowEvenWhenItsLowestRateIsBest()
    {
        // The loss keeps falling with the rate, so the lowest rate run is always the best: only the option would
        // carry the scan past the two levels below the first stable one.
        var levels = Drive(Options(1.0, continueWhileImproving: false), edge: 1, loss: k => 10.0 + k);
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, -1, -2 }));
    }

    [Test]
    public void AScanClimbsOnlyWholeLevelsWithinMaxDecadesAbove()
    {
        // 0.3 decades is 1.2 levels of 0.25: one level fits, a second would reach 0.5 decades above the start.
        var levels = Drive(Options(0.3, continueWhileImproving: false), edge: int.MaxValue, loss: _ => 1.0);
        Assert.That(levels.Max(), Is.EqualTo(1));
        Assert.That(SweepCell.RateAtLevel(levels.Max(), Spacing), Is.LessThanOrEqualTo(Math.Pow(10, 0.3)));
    }

    [Test]
    public void AScanCoversAtLeastDecadesBelowFirstStable()
    {
        // 0.3 decades is 1.2 levels: one level (0.25 decades) falls short of it, so the scan runs two.
        var levels = Drive(Options(1.0, continueWhileImproving: false, decadesBelow: 0.3), edge: 1, loss: _ => 1.0);
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, -1, -2 }));
    }

    // Decade counts that are whole numbers of levels, divided in floating point: 0.3 / 0.1 = 2.9999999999999996 and
    // 1.05 / 0.35 = 3.0000000000000004. Found by mutation testing (round 15A): without the 1e-9 allowance each count
    // lost or gained a level, and every test passed.
    private static FeatureStrengthSweepOptions Lattice(double spacing, double maxDecadesAbove, double decadesBelow) => new()
    {
        Gammas = new[] { 1.0 },
        LevelSpacingDecades = spacing,
        StartingLearningRate = _ => 1.0, // level 0
        MaxDecadesAbove = maxDecadesAbove,
        DecadesBelowFirstStable = decadesBelow,
        ContinueWhileImproving = false,
    };

    [Test]
    public void MaxDecadesAboveOfAWholeNumberOfLevelsClimbsThatManyLevels()
    {
        // 0.3 decades of 0.1 are 3 levels: a scan that never diverges runs levels 1, 2 and 3 above the start.
        var levels = Drive(Lattice(0.1, maxDecadesAbove: 0.3, decadesBelow: 0.1), edge: int.MaxValue, loss: _ => 1.0);
        Assert.That(levels.Max(), Is.EqualTo(3));
    }

    [Test]
    public void DecadesBelowFirstStableOfAWholeNumberOfLevelsRunsThatManyLevels()
    {
        // 1.05 decades of 0.35 are 3 levels below the first stable rate (level 0), and no fourth.
        var levels = Drive(Lattice(0.35, maxDecadesAbove: 1.05, decadesBelow: 1.05), edge: 1, loss: _ => 1.0);
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, -1, -2, -3 }));
    }

    [Test]
    public void ALowestRateThatOnlyTiesTheBestDoesNotKeepTheScanGoing()
    {
        // Equal losses everywhere: of tied rates the larger is η*, so the lowest rate is not the best and the scan
        // stops at its window even with ContinueWhileImproving on.
        var levels = Drive(Options(1.0, continueWhileImproving: true), edge: 1, loss: _ => 1.0);
        Assert.That(levels, Is.EqualTo(new[] { 0, 1, -1, -2 }));
    }
}
