using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// FeatureStrengthPlots.HeatMap draws nothing where there is no plane to draw: one γ (no width to the map) or every
/// cell at one rate (no height). Found by mutation testing (round 33A): only the slow end-to-end study reached it.
/// </summary>
public sealed class FeatureStrengthPlotsTests
{
    private static SweepResult Result(IEnumerable<SweepCellResult> cells, IEnumerable<GammaScanSummary> gammas) =>
        new(cells.ToList(), gammas.ToList(), null, null, 0, 0, TimeSpan.Zero);

    [Test]
    public void OneGammaDrawsNoHeatMap()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        var oneGamma = Result(depth.Result.Cells.Where(c => c.Cell.GammaIndex == 0), depth.Result.Gammas.Where(g => g.GammaIndex == 0));
        string path = Path.Combine(temp.Path, "heatmap.png");
        Assert.That(oneGamma.Cells.Select(c => c.Cell.Level).Distinct().Count(), Is.GreaterThan(1), "the γ has several rates");
        Assert.That(FeatureStrengthPlots.HeatMap(path, oneGamma, depth.Settings.LevelSpacingDecades, depth.Settings.CellTemplate().Scaling()), Is.False);
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void EveryCellAtOneRateDrawsNoHeatMap()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        int level = depth.Result.Cells[0].Cell.Level;
        var oneRate = Result(depth.Result.Cells.Where(c => c.Cell.Level == level), depth.Result.Gammas);
        string path = Path.Combine(temp.Path, "heatmap.png");
        Assert.That(oneRate.Cells.Select(c => c.Cell.GammaIndex).Distinct().Count(), Is.GreaterThan(1), "several γ ran that rate");
        Assert.That(FeatureStrengthPlots.HeatMap(path, oneRate, depth.Settings.LevelSpacingDecades, depth.Settings.CellTemplate().Scaling()), Is.False);
        Assert.That(File.Exists(path), Is.False);
    }
}
