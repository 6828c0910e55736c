using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// A rate file is named by its γ number and lattice level only (g00_k+002.json), so a file of another γ or another
/// rate at the same level, copied into a store, lands on this cell's name: the store must read the cell it holds and
/// refuse it, not trust it by its name. A γ scan's store always runs γ number 0, so any γ's rate file fits there.
/// Found by mutation testing (round 16A, 6 Dec 2026).
/// </summary>
public sealed class SweepStoreForeignCellTests
{
    private const double Spacing = 0.25;

    private static SweepCellResult Stable(SweepCell cell) => new()
    {
        Cell = cell, Outcome = TrainingOutcome.BudgetReached, Steps = 2, BatchLosses = new[] { 1.0, 0.5 },
        TestLossSteps = new[] { 0, 2 }, TestLosses = new[] { 1.0, 0.4 }, FinalOnlineLoss = 0.5, FinalTestLoss = 0.4,
    };

    [Test]
    public void ARateFileOfAnotherGammaUnderThisCellsNameIsRefused()
    {
        using var temp = new TempDirectory();
        var store = SweepStore.Open(temp.Path, "m");
        var cell = new SweepCell(0, 10.0, 2, SweepCell.RateAtLevel(2, Spacing));
        var foreign = cell with { Gamma = 100.0 };
        store.Save(Stable(foreign));
        Assert.That(store.ResultPath(foreign), Is.EqualTo(store.ResultPath(cell)), "one name for both");
        var ex = Assert.Throws<InvalidDataException>(() => SweepStore.ForReading(temp.Path).TryLoad(cell));
        Assert.That(ex!.Message, Does.StartWith(store.ResultPath(cell) + " holds the result of γ = 100, η = "));
    }

    [Test]
    public void ARateFileOfAnotherRateAtTheSameLevelIsRunAgainInTheSweepsOwnStore()
    {
        // Level 2 of a lattice of 0.5 decades is η = 10, not this sweep's 10^0.5.
        using var temp = new TempDirectory();
        var store = SweepStore.Open(temp.Path, "m");
        var cell = new SweepCell(0, 10.0, 2, SweepCell.RateAtLevel(2, Spacing));
        store.Save(Stable(cell with { LearningRate = SweepCell.RateAtLevel(2, 0.5) }));
        var console = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            Assert.That(store.TryLoad(cell), Is.Null);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.That(File.Exists(store.ResultPath(cell)), Is.False, "the foreign file is gone, so the rate runs again");
    }
    // The file name carries the γ number, but the store must still read it: a file of another γ number (same γ, level
    // and rate) renamed into this cell's place is not this cell's result. Found by mutation testing (round 32B).
    [Test]
    public void ARateFileOfAnotherGammaNumberUnderThisCellsNameIsRefused()
    {
        using var temp = new TempDirectory();
        var store = SweepStore.Open(temp.Path, "m");
        var cell = new SweepCell(0, 10.0, 2, SweepCell.RateAtLevel(2, Spacing));
        var other = cell with { GammaIndex = 1 };
        store.Save(Stable(other));
        File.Move(store.ResultPath(other), store.ResultPath(cell));
        var ex = Assert.Throws<InvalidDataException>(() => SweepStore.ForReading(temp.Path).TryLoad(cell));
        Assert.That(ex!.Message, Does.StartWith(store.ResultPath(cell) + " holds the result of γ = 10, η = "));
    }
}
