using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// The two helpers the study's report and figures share with the sweep's own fits: which γ a slope fit takes (outside
/// the crossover band |log₁₀ γ| &lt; c, edges included, γ = 1 in neither), and the cell of a γ at a rate read back from
/// JSON. Written once since 7 Dec 2026, when the report's three copies of the side test and two of the lookup merged.
/// </summary>
public sealed class SweepSideAndCellLookupTests
{
    [TestCase(0.1, 1.0, true, false)]
    [TestCase(0.1000001, 1.0, false, false)]
    [TestCase(10.0, 1.0, false, true)]
    [TestCase(9.99999, 1.0, false, false)]
    [TestCase(1.0, 0.0, false, false)]
    [TestCase(0.99, 0.0, true, false)]
    [TestCase(1.01, 0.0, false, true)]
    [TestCase(1e-3, 2.5, true, false)]
    public void AGammaBelongsToTheFitOfItsSideOnlyOutsideTheBand(double gamma, double band, bool lazy, bool rich)
    {
        Assert.That(FeatureStrengthSweep.IsLazy(gamma, band), Is.EqualTo(lazy), "lazy");
        Assert.That(FeatureStrengthSweep.IsRich(gamma, band), Is.EqualTo(rich), "rich");
    }

    [Test]
    public void ACellIsFoundByItsGammaAndARateEqualToARelativeBillionth()
    {
        double rate = SweepCell.RateAtLevel(-3, 0.25);
        var cells = new[]
        {
            new SweepCellResult { Cell = new SweepCell(0, 0.1, -3, rate), Outcome = TrainingOutcome.BudgetReached, FinalTestLoss = 0.4, Steps = 10 },
            new SweepCellResult { Cell = new SweepCell(1, 10.0, -3, rate), Outcome = TrainingOutcome.BudgetReached, FinalTestLoss = 0.3, Steps = 10 },
        };
        var result = new SweepResult(cells, Array.Empty<GammaScanSummary>(), null, null, 2, 0, TimeSpan.Zero);
        Assert.That(result.CellAt(1, rate * (1 + 1e-12))!.Cell.GammaIndex, Is.EqualTo(1), "a rate off in its last bits");
        Assert.That(result.CellAt(0, rate)!.FinalTestLoss, Is.EqualTo(0.4));
        Assert.That(result.CellAt(0, rate * (1 + 1e-6)), Is.Null, "another rate");
        Assert.That(result.CellAt(2, rate), Is.Null, "another γ");
    }
}
