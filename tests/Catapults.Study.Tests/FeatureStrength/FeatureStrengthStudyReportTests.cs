using System.Text.Json;
using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The study report on a planted two-seed sweep (<see cref="PlantedSeedSweep"/>): the verdicts judge the slope of the
/// median η* over the seeds, not the first seed's; η* per γ is the median in log η; the cell counts cover every seed,
/// with diverged and frozen cells counted apart; and the lattice sentence gives this grid's worst tilt by hand.
/// Found by mutation testing (round 16A, 6 Dec 2026).
/// </summary>
public sealed class FeatureStrengthStudyReportTests
{
    private static string Written(TempDirectory temp, string file)
    {
        FeatureStrengthStudyReport.Write(temp.Path, PlantedSeedSweep.Study, new[] { PlantedSeedSweep.Build() }, null, null, TimeSpan.FromSeconds(3));
        return File.ReadAllText(Path.Combine(temp.Path, file));
    }

    private static string Row(string report, string start) =>
        report.Split('\n').Single(line => line.StartsWith(start, StringComparison.Ordinal));

    [Test]
    public void TheVerdictJudgesTheSlopeOfTheMedianOverTheSeeds()
    {
        using var temp = new TempDirectory();
        string row = Row(Written(temp, "report.md"), "| 2 | 3 |");
        // Seed 0's rich slope is 1.0 (it alone would hold at 2/L = 1), seed 1's 1.4; the median of two is the mean in
        // log η, so its slope is 1.2, 0.2 from the prediction: it fails. The lazy side is 2 at both seeds and holds.
        Assert.That(row, Does.StartWith("| 2 | 3 | 1.20 ± 0.00 | 1.000 | +0.20 | **fails** | 1.00, 1.40 | 3 | 2.00 ± 0.00 | 2 | +0.00 | **holds** | 2.00, 2.00 |"));
    }

    [Test]
    public void TheSummaryHoldsTheMediansFitAndItsVerdict()
    {
        using var temp = new TempDirectory();
        using var summary = JsonDocument.Parse(Written(temp, "summary.json"));
        var rich = summary.RootElement.GetProperty("depths")[0].GetProperty("rich");
        Assert.Multiple(() =>
        {
            Assert.That(rich.GetProperty("fit").GetProperty("slope").GetDouble(), Is.EqualTo(1.2).Within(1e-9));
            Assert.That(rich.GetProperty("holds").GetBoolean(), Is.False);
            Assert.That(rich.GetProperty("verdict").GetString(), Is.EqualTo("fails"));
            Assert.That(rich.GetProperty("perSeedSlopes").EnumerateArray().Select(x => x.GetDouble()), Is.EqualTo(new[] { 1.0, 1.4 }).Within(1e-9));
            var lazy = summary.RootElement.GetProperty("depths")[0].GetProperty("lazy");
            Assert.That(lazy.GetProperty("perSeedSlopes").EnumerateArray().Select(x => x.GetDouble()), Is.EqualTo(new[] { 2.0, 2.0 }).Within(1e-9));
            Assert.That(lazy.GetProperty("verdict").GetString(), Is.EqualTo("holds"));
        });
    }

    [Test]
    public void CellsOfEverySeedAreCountedWithDivergedAndFrozenApart()
    {
        using var temp = new TempDirectory();
        // Two seeds of 63 cells, each with 9 diverged and 5 frozen; steps(γ = 1) = 150 and steps(100) = 150 · 3.
        Assert.That(Row(Written(temp, "report.md"), "| 2 | 3 |"), Does.EndWith("| 126 (18; 10 frozen) | 150 … 450 |"));
    }

    [Test]
    public void EtaStarPerGammaIsTheMedianOfTheSeedsInLogEta()
    {
        using var temp = new TempDirectory();
        string report = Written(temp, "report.md");
        // γ = 100: seed 0's η* = 100, seed 1's 100^1.4 = 631; the median of two in log η is 10^2.4 = 251, spread 0.8 decades.
        Assert.That(Row(report, "| 2 | 100 |"), Does.StartWith("| 2 | 100 | 450 | 251 | 100, 631 | 0.80 |"));
        // γ = 0.01 on the lazy side: both seeds at 10⁻⁴, no spread.
        Assert.That(Row(report, "| 2 | 0.01 |"), Does.StartWith("| 2 | 0.01 | 150 | 0.0001 | 0.0001, 0.0001 | 0.00 |"));
    }

    [Test]
    public void TheLatticeSentenceGivesThisGridsWorstTilt()
    {
        using var temp = new TempDirectory();
        // Each side fits three γ a decade wide (u = 1, 1.5, 2 on the rich side): (s/2)·Σ|u − ū| / Σ(u − ū)² = 0.125 · 1 / 0.5.
        Assert.That(Written(temp, "report.md"), Does.Contain(
            "(lattice 0.25 decades, γ 0.01 … 0.1, 10 … 100) the lattice alone can tilt a least-squares slope by up to 0.250, so the tolerance is smaller than that worst case."));
    }

    [Test]
    public void AFitOfThreeGammasOverTwoDecadesLeavesAMarginToSpare()
    {
        using var temp = new TempDirectory();
        var wide = PlantedSeedSweep.Study with { GammaMin = 1e-3, GammaMax = 1e3, GammasPerDecade = 1 };
        FeatureStrengthStudyReport.Write(temp.Path, wide, new[] { PlantedSeedSweep.Build() }, null, null, TimeSpan.Zero);
        // γ = 10, 100, 1000 (u = 1, 2, 3): 0.125 · 2 / 2 = 0.125, so 0.15 − 0.125 = 0.025 to spare.
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")), Does.Contain("by up to 0.125, so the tolerance covers that with 0.025 to spare."));
    }

    [Test]
    public void TheLatticeSentenceGivesTheWorseOfTheTwoSides()
    {
        using var temp = new TempDirectory();
        // Lazy: 0.01 and 0.1, a one-decade fit of two γ (s / 1 = 0.25); rich: 10, 100, 1000 (0.125). The worse side counts.
        var uneven = PlantedSeedSweep.Study with { GammaMin = 1e-2, GammaMax = 1e3, GammasPerDecade = 1 };
        FeatureStrengthStudyReport.Write(temp.Path, uneven, new[] { PlantedSeedSweep.Build() }, null, null, TimeSpan.Zero);
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")), Does.Contain("by up to 0.250, so the tolerance is smaller than that worst case."));
    }

    [Test]
    public void TheCellsTrainedAreCountedOverEverySeed()
    {
        using var temp = new TempDirectory();
        // Each seed's sweep says it trained its 63 cells.
        Assert.That(Written(temp, "report.md"), Does.Contain("This invocation trained 126 cells and reused 0 from an earlier one"));
    }

    // The default grid's fits: five γ over two decades a side (u = 1, 1.5, 2, 2.5, 3 on the rich side), so
    // (s/2)·Σ|u − ū| / Σ(u − ū)² = 0.125 · 3 / 2.5 = 0.15, the tolerance itself: neither a margin to spare nor a
    // shortfall. Found by mutation testing (round 24B): the sentence for this, the default run's, case had no test.
    [Test]
    public void AWorstTiltEqualToTheToleranceIsCoveredWithNothingBeyondIt()
    {
        using var temp = new TempDirectory();
        var defaultGrid = PlantedSeedSweep.Study with { GammaMin = 1e-3, GammaMax = 1e3, GammasPerDecade = 2 };
        FeatureStrengthStudyReport.Write(temp.Path, defaultGrid, new[] { PlantedSeedSweep.Build() }, null, null, TimeSpan.Zero);
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")),
            Does.Contain("by up to 0.150, so the tolerance covers that worst case and nothing beyond it."));
    }

    // The plateau figure promises the two largest rich γ; taking the two smallest changed only the PNG and passed every
    // test (mutation round 24B). The planted grid's rich γ are 10^0.5, 10, 10^1.5 and 100; the best lattice rate of each
    // is its cell nearest the planted η* = γ (seed 0's rich slope 1.0), and its curve is that cell's held-out losses.
    [Test]
    public void ThePlateauFigureDrawsTheTwoLargestRichGammasAtTheirBestRates()
    {
        var depth = PlantedSeedSweep.Build();
        var series = FeatureStrengthStudyReport.PlateauSeries(new[] { depth });
        Assert.That(series.Select(s => s.Label), Is.EqualTo(new[] { "L = 2, γ = 31.6, η = 31.6", "L = 2, γ = 100, η = 100" }));
        Assert.That(series.Select(s => s.X), Is.All.EqualTo(new[] { 0.0, 5, 10 }));
        // At η* itself log η − log η* = 0, so the planted curve is 2·1 + 1, 1.5·1, 1.
        Assert.That(series.Select(s => s.Y), Is.All.EqualTo(new[] { 3.0, 1.5, 1 }).Within(1e-9));
    }
    // The seeds paragraph says how many outlying seeds the median ignores: (K − 1) / 2, none for two seeds.
    // Found by mutation testing (round 29C): K / 2 passed every test.
    [Test]
    public void TheMedianOfTwoSeedsIgnoresNoOutlyingSeed()
    {
        using var temp = new TempDirectory();
        Assert.That(Written(temp, "report.md"), Does.Contain("a median of 2 ignores 0 outlying seed(s)."));
    }

    // summary.json beyond the rich verdict: the rule's constants, the training time in seconds, every seed, and the
    // lazy side's own prediction and verdict. Found by mutation testing (round 33A): the lazy side's "holds" and
    // "predicted", the minimum points, the seeds and the training time could be any value.
    [Test]
    public void TheSummaryStatesTheRuleTheSeedsTheTrainingTimeAndTheLazySide()
    {
        using var temp = new TempDirectory();
        using var summary = JsonDocument.Parse(Written(temp, "summary.json"));
        var root = summary.RootElement;
        var depth = root.GetProperty("depths")[0];
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("tolerance").GetDouble(), Is.EqualTo(SlopeVerdict.Tolerance));
            Assert.That(root.GetProperty("minimumPoints").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("trainingSeconds").GetDouble(), Is.EqualTo(3.0));
            Assert.That(root.GetProperty("seeds").EnumerateArray().Select(x => x.GetInt64()), Is.EqualTo(new long[] { 0, 1 }));
            Assert.That(depth.GetProperty("depth").GetInt32(), Is.EqualTo(2));
            Assert.That(depth.GetProperty("rich").GetProperty("predicted").GetDouble(), Is.EqualTo(1.0));
            Assert.That(depth.GetProperty("lazy").GetProperty("predicted").GetDouble(), Is.EqualTo(2.0));
            Assert.That(depth.GetProperty("lazy").GetProperty("holds").GetBoolean(), Is.True, "the lazy slope is 2 at both seeds");
            Assert.That(depth.GetProperty("lazy").GetProperty("fit").GetProperty("slope").GetDouble(), Is.EqualTo(2.0).Within(1e-9));
            Assert.That(depth.GetProperty("gammas").GetArrayLength(), Is.EqualTo(9));
        });
    }

    // The report's setup line and its training-time sentence. Quick starts each scan 1 decade above the rule and ends it
    // half a decade below the first stable rate. Found by mutation testing (round 33A).
    [Test]
    public void TheReportStatesTheScansEndsAndTheTrainingTime()
    {
        using var temp = new TempDirectory();
        string report = Written(temp, "report.md");
        Assert.Multiple(() =>
        {
            Assert.That(report, Does.Contain("each scan starts 1 decade above the rule η = W γ^(2 or 2/L) (W the width) and ends 0.5 decade(s) below the first stable rate"));
            Assert.That(report, Does.Contain("the cells' training time, summed, 3.0 s"));
        });
    }

    // The η* table's last columns: seed 0's best final loss, its best loss at the common budget (step 150, read at the
    // planted evaluation of step 10) and its largest stable rate. At γ = 100 seed 0's η* is 100 (level 8 of 0.25
    // decades); the top planted rate, level 11, diverged, so the largest stable one is level 10, 10^2.5 = 316 (not
    // the divergent 10^2.75 = 562). Found by mutation testing (round 33A).
    [Test]
    public void TheEtaStarTableEndsWithTheBestLossesAndTheLargestStableRate()
    {
        using var temp = new TempDirectory();
        Assert.That(Row(Written(temp, "report.md"), "| 2 | 100 |"), Does.EndWith("| 1 | 1 | 316 |"));
    }

    // A grid with one γ on each side (0.1, 1, 10 beyond a one-decade band) has no fit of two γ: the lattice sentence
    // says so instead of taking the worst of no fits. Found by mutation testing (round 33A): without the guard the
    // report threw, and no test wrote such a grid.
    [Test]
    public void AGridWithoutAFitOfTwoGammasSaysTheLatticesTiltIsNotDefined()
    {
        using var temp = new TempDirectory();
        var narrow = PlantedSeedSweep.Study with { GammaMin = 0.1, GammaMax = 10, GammasPerDecade = 1 };
        FeatureStrengthStudyReport.Write(temp.Path, narrow, new[] { PlantedSeedSweep.Build() }, null, null, TimeSpan.Zero);
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "report.md")),
            Does.Contain("; no fit of this run has two γ, so what the lattice can do to a slope is not defined here."));
    }

    // The staircase follow-up's section, on a stand-in: seed 1's planted cells at the two largest γ (31.6 and 100), whose
    // η* (10^2.1 = 126 and 10^2.8 = 631) lie off the lattice, so the table's lattice η* (100 and 10^2.75 = 562) differs
    // from the refined one. The follow-up's settings run 750 steps at γ = 31.6 and 900 at 100 (twice the base budget).
    // Found by mutation testing (round 33A): no fast test passed a staircase to the report.
    [Test]
    public void TheStaircaseSectionGivesItsBudgetsItsLatticeRatesAndItsCellsCount()
    {
        using var temp = new TempDirectory();
        var depth = PlantedSeedSweep.Build();
        var seed1 = depth.Seeds.PerSeed[1];
        var stairSettings = StaircaseFollowUp.Settings(PlantedSeedSweep.Study, PlantedSeedSweep.Depth2)!;
        var stairs = new SweepResult(seed1.Cells.Where(c => c.Cell.GammaIndex >= 7).ToList(), seed1.Gammas.Where(g => g.GammaIndex >= 7).ToList(),
            null, null, 5, 9, TimeSpan.Zero);
        var written = FeatureStrengthStudyReport.Write(temp.Path, PlantedSeedSweep.Study, new[] { depth }, stairSettings, stairs, TimeSpan.Zero);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.Multiple(() =>
        {
            Assert.That(written, Does.Contain(FeatureStrengthStudyReport.StaircaseFile));
            Assert.That(report, Does.Contain("γ = 31.6, 100, 750–900 steps, a short rate scan"));
            // The scan's ends as the follow-up's settings set them (the sentence once spoke of the rank-2 η* instead).
            Assert.That(report, Does.Contain("a short rate scan: from 1 decade above the rule η = W γ^(2 or 2/L) to 0.5 decade below the first stable rate."));
            Assert.That(Row(report, "| 31.6 |"), Does.StartWith("| 31.6 | 100 |").And.EndWith("| 7 |"));
            Assert.That(Row(report, "| 100 |"), Does.StartWith("| 100 | 562 |").And.EndWith("| 7 |"));
            // 126 cells of the two seeds' sweeps and the staircase's 5; the staircase's 9 reused.
            Assert.That(report, Does.Contain("This invocation trained 131 cells and reused 9 from an earlier one"));
        });
    }

    // A study whose every rate diverged has no curve and no loss to draw: it writes its summary and report and no figure
    // (not an empty best-loss plot, nor a rescaled-time panel without lines). Found by mutation testing (round 33A).
    [Test]
    public void AStudyWhoseEveryRateDivergedWritesNoFigure()
    {
        using var temp = new TempDirectory();
        var s = PlantedSeedSweep.Depth2;
        var options = s.SweepOptions();
        var planted = PlantedSeedSweep.Build();
        var perSeed = planted.Seeds.PerSeed.Select(r => FeatureStrengthSweep.Summarise(options, r.Cells.Where(c => c.Diverged), 9, 0)).ToList();
        var diverged = new DepthSweep(2, s, FeatureStrengthSweep.CombineSeeds(options, s.SeedList(), perSeed));
        var written = FeatureStrengthStudyReport.Write(temp.Path, PlantedSeedSweep.Study, new[] { diverged }, null, null, TimeSpan.Zero);
        Assert.That(written, Is.EquivalentTo(new[] { "summary.json", "report.md" }));
    }
}
