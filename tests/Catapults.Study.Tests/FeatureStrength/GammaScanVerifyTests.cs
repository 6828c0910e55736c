using System.Text.Json;
using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// GammaScan.Verify on a finished γ cell built by hand (one seed's store holding two rates, and its scan.json): the
/// intact cell passes, and scan.json of other seeds, of another γ at the same index, with another selection loss than
/// the store recorded, or beside a store of another sweep is named, as its summary says.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class GammaScanVerifyTests
{
    private const int GammaIndex = 3;

    private static readonly FeatureStrengthSettings Settings = FeatureStrengthSettings.Quick.ForDepth(2);

    // A stable rate at this sweep's budget for γ = 10 and a diverged one above it; the store holds them as γ number 0.
    private static SweepCellResult[] Rates()
    {
        double gamma = Settings.Gammas()[GammaIndex];
        int steps = Settings.StepsAt(gamma);
        var stable = new SweepCellResult
        {
            Cell = new SweepCell(0, gamma, 0, SweepCell.RateAtLevel(0, 0.25)), Outcome = TrainingOutcome.BudgetReached, Steps = steps,
            BatchLosses = Enumerable.Repeat(0.5, steps).ToArray(), TestLossSteps = new[] { 0, steps }, TestLosses = new[] { 1.0, 0.4 },
            FinalOnlineLoss = 0.5, FinalTestLoss = 0.4,
        };
        var diverged = new SweepCellResult
        {
            Cell = new SweepCell(0, gamma, 4, SweepCell.RateAtLevel(4, 0.25)), Outcome = TrainingOutcome.Diverged, Steps = 3, DivergenceStep = 3,
            DivergenceReason = "the batch loss is not finite", BatchLosses = new[] { 1.0, 50.0, 1e4 },
        };
        return new[] { diverged, stable };
    }

    private static string Finished(TempDirectory temp)
    {
        long seed = Settings.SeedList().Single();
        var store = SweepStore.Open(GammaScan.SeedFolder(temp.Path, seed), Settings.ForSeed(seed).Manifest());
        foreach (var rate in Rates()) store.Save(rate);
        WriteScan(temp, seed, Rates().Select(r => r with { Cell = r.Cell with { GammaIndex = GammaIndex } }));
        return temp.Path;
    }

    private static void WriteScan(TempDirectory temp, long seed, IEnumerable<SweepCellResult> rates) =>
        File.WriteAllText(Path.Combine(temp.Path, GammaScan.ResultFile),
            JsonSerializer.Serialize(new[] { new SeedScan(seed, rates.ToList()) }, SweepJson.Compact));

    [Test]
    public void AnIntactCellPasses()
    {
        using var temp = new TempDirectory();
        Assert.That(GammaScan.Verify(Finished(temp), Settings, GammaIndex), Is.Null);
    }

    [Test]
    public void ScansOfOtherSeedsAreNamed()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        WriteScan(temp, 7, Rates().Select(r => r with { Cell = r.Cell with { GammaIndex = GammaIndex } }));
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("holds the seeds [7], not [0]"));
    }

    [Test]
    public void RatesOfAnotherGammaAtTheSameIndexAreNamed()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        WriteScan(temp, 0, Rates().Select(r => r with { Cell = r.Cell with { GammaIndex = GammaIndex, Gamma = 100 } }));
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("holds rates of γ number 3 (γ = 100), not 3 (γ = 10)"));
    }

    [Test]
    public void ARateWhoseSelectionLossIsNotTheStoresIsNamed()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        WriteScan(temp, 0, Rates().Select(r => r with { Cell = r.Cell with { GammaIndex = GammaIndex }, FinalTestLoss = r.Diverged ? null : 0.3 }));
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("is not the one its store").And.Contain("η = 1"));
    }

    [Test]
    public void AStoreOfAnotherSweepIsNamed()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        string manifest = Path.Combine(GammaScan.SeedFolder(temp.Path, 0), SweepStore.ManifestFileName);
        File.WriteAllText(manifest, (Settings with { Width = 33 }).ForSeed(0).Manifest());
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("describes another sweep than this cell's"));
    }

    [Test]
    public void RatesFiledUnderAnotherGammaNumberAreNamed()
    {
        // The right γ under γ number 2: the merge places a scan's rates by their γ number, so it is not this cell's.
        using var temp = new TempDirectory();
        Finished(temp);
        WriteScan(temp, 0, Rates().Select(r => r with { Cell = r.Cell with { GammaIndex = 2 } }));
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("holds rates of γ number 2 (γ = 10), not 3 (γ = 10)"));
    }

    [Test]
    public void ARateWhoseOutcomeIsNotTheStoresIsNamed()
    {
        // The stable rate claimed to have reached its target, at the loss the store recorded.
        using var temp = new TempDirectory();
        Finished(temp);
        WriteScan(temp, 0, Rates().Select(r => r with
        {
            Cell = r.Cell with { GammaIndex = GammaIndex }, Outcome = r.Diverged ? r.Outcome : TrainingOutcome.TargetLossReached,
        }));
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.Contain("rate η = 1 is not the one its store"));
    }

    [Test]
    public void AStoreWithoutItsManifestIsNamed()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        string manifest = Path.Combine(GammaScan.SeedFolder(temp.Path, 0), SweepStore.ManifestFileName);
        File.Delete(manifest);
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Is.EqualTo($"{manifest} is missing or describes another sweep than this cell's"));
    }
    // Verify's problem goes into a sentence ("…: <problem>; run-cell … runs it again"), so a read problem comes without
    // its closing stop. Found by mutation testing (round 29C): no test read it for a missing or torn scan.json.
    [Test]
    public void AMissingOrTornScanIsNamedWithoutItsClosingStop()
    {
        using var temp = new TempDirectory();
        Finished(temp);
        string scan = Path.Combine(temp.Path, GammaScan.ResultFile);
        File.Delete(scan);
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Is.EqualTo($"{scan} is missing"));
        File.WriteAllText(scan, "[{\"seed\":0,\"cel");
        Assert.That(GammaScan.Verify(temp.Path, Settings, GammaIndex), Does.StartWith($"{scan} is not a readable scan (").And.EndWith(")"));
    }
}
