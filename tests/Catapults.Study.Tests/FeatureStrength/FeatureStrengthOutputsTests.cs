using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Scaling;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// One depth's sweep.json and report.md on a planted two-seed sweep (<see cref="PlantedSeedSweep"/>): the first
/// seed's cells are counted with diverged and frozen cells apart, and the seeds' section gives the median η* per γ.
/// Found by mutation testing (round 16A, 6 Dec 2026).
/// </summary>
public sealed class FeatureStrengthOutputsTests
{
    private static void Write(TempDirectory temp)
    {
        var depth = PlantedSeedSweep.Build();
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, depth.Result, 1, depth.Seeds);
    }

    [Test]
    public void TheSummaryCountsDivergedAndFrozenCellsApart()
    {
        using var temp = new TempDirectory();
        Write(temp);
        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "sweep.json")));
        var root = sweep.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("cells").GetInt32(), Is.EqualTo(63));
            Assert.That(root.GetProperty("divergedCells").GetInt32(), Is.EqualTo(9));
            Assert.That(root.GetProperty("frozenCells").GetInt32(), Is.EqualTo(5));
            Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")), Does.Contain("63 cells (9 diverged, 5 frozen:"));
        });
    }

    [Test]
    public void TheSeedsSectionGivesTheMedianPerGammaAndTheSlopesOfTheMedians()
    {
        using var temp = new TempDirectory();
        Write(temp);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.Multiple(() =>
        {
            // γ = 100: η* = 100 and 100^1.4 = 631 at seeds 0 and 1; the median in log η is 10^2.4 = 251.
            Assert.That(report, Does.Contain("\n| 100 | 251 | 100 | 631 | 0.80 |"));
            Assert.That(report, Does.Contain("\n| γ ≫ 1 (rich) | 1.20 | 0.00 | 1 | 1.00, 1.40 |"));
            Assert.That(report, Does.Contain("\n| γ ≪ 1 (lazy) | 2.00 | 0.00 | 2 | 2.00, 2.00 |"));
        });
    }

    // Found by mutation testing (round 24B): in the planted sweep every γ has a divergent rate above its stable ones
    // and no catapult, so the η* table's "smallest diverging η above" text for the other two cases, and the count of
    // stable cells with a catapult, had no fast test.
    private static string Row(string report, string start) =>
        report.Split('\n').Single(line => line.StartsWith(start, StringComparison.Ordinal));

    [Test]
    public void TheEtaStarTableSaysWhenNoRateDivergedAboveAndWhenEveryRateDiverged()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        // γ = 0.01 keeps only its six stable rates (nothing above them diverged); γ = 0.0316 keeps only its diverged one.
        var cells = depth.Result.Cells.Where(c => !(c.Cell.GammaIndex == 0 && c.Diverged) && !(c.Cell.GammaIndex == 1 && !c.Diverged));
        var result = FeatureStrengthSweep.Summarise(depth.Settings.SweepOptions(), cells);
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, result, 1);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.Multiple(() =>
        {
            Assert.That(Row(report, "| 0.01 |"), Does.Contain("| none (not bracketed) | 6 |"));
            Assert.That(Row(report, "| 0.0316 |"), Does.EndWith("| — | — | — | — | every rate diverged | 1 | — | — | — |"));
        });
    }

    [Test]
    public void StableCellsWithACatapultCountOnlyCellsThatHaveOne()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        // Without the seeds' section, whose rows also start with γ.
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, depth.Result, 1);
        // The planted batch losses are flat, so the detector finds no catapult in any of a γ's six stable cells.
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.That(Row(report, "| 0.01 |"), Does.EndWith("| 0 | 0 | 0 of 6 |"));
    }

    // Two γ are enough for the edge-of-stability fit, as for η*'s. With γ = 100 left with only its diverged rate, the
    // rich side's largest stable rates are 10^1.5 at γ = 10 and 10^2 at γ = 10^1.5 (two levels below each planted
    // divergence), a slope of 0.5 / 0.5 = 1. Found by mutation testing (round 24B).
    [Test]
    public void TheEdgeOfStabilityFitNeedsOnlyTwoGammas()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        var cells = depth.Result.Cells.Where(c => !(c.Cell.Gamma == 100 && !c.Diverged));
        var result = FeatureStrengthSweep.Summarise(depth.Settings.SweepOptions(), cells);
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, result, 1);
        using var sweep = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "sweep.json")));
        var edge = sweep.RootElement.GetProperty("edgeOfStabilityRichSlope");
        Assert.That(edge.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.Multiple(() =>
        {
            Assert.That(edge.GetProperty("points").GetInt32(), Is.EqualTo(2));
            Assert.That(edge.GetProperty("slope").GetDouble(), Is.EqualTo(1.0).Within(1e-9));
        });
    }
    // The planted first seed's slopes equal their predictions and it has no catapult, so the report's difference column
    // read +0.00 whatever its sign, and neither the catapult sentence nor the trained and reused counts were read.
    // Seed 1's rich slope is 1.4 against 2/L = 1. Found by mutation testing (round 29C).
    [Test]
    public void TheReportGivesTheSlopesDifferenceTheCatapultsAndTheCellsTrainedAndReused()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        var seed1 = depth.Seeds.PerSeed[1];
        // Three catapults in the first cell, none in the others; 40 cells trained here and 23 read back.
        var cells = seed1.Cells.Select((c, i) => i == 0 ? c with { CatapultCount = 3 } : c).ToList();
        var result = new SweepResult(cells, seed1.Gammas, seed1.LazySlope, seed1.RichSlope, 40, 23, TimeSpan.Zero);
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, result, 1);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.Multiple(() =>
        {
            Assert.That(Row(report, "| γ ≫ 1 (rich) |"), Does.Contain("| 1.40 |").And.Contain("| 2/L = 1 | +0.40 |"));
            Assert.That(report, Does.Contain("3 catapults in 1 of 63 cells."));
            Assert.That(report, Does.Contain("40 trained in this run and 23 reused from an earlier one"));
        });
    }
    // The setup line gives the budget at γ ≤ 1 and at the largest γ; swapped, it read the rich budget for both.
    // Found by mutation testing (round 32B).
    [Test]
    public void TheSetupGivesTheBudgetAtGammaUpToOneAndAtTheLargestGamma()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        FeatureStrengthOutputs.Write(temp.Path, depth.Settings, depth.Result, 1);
        var s = depth.Settings;
        Assert.That(s.StepsAt(1), Is.Not.EqualTo(s.StepsAt(s.GammaMax)), "the planted grid reaches the rich side");
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")),
            Does.Contain($"{s.StepsAt(1)} steps at γ ≤ 1 rising to {s.StepsAt(s.GammaMax)} at γ = "));
    }
}
