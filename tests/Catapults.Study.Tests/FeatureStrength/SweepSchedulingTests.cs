using Catapults.ML.Scaling;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The sweep's scan, store and resume logic against a synthetic "physics" with a known edge of stability and a known
/// optimum, so every decision can be checked exactly. The scans run as the study runs them, through
/// <see cref="EnsembledRateScan"/> (<see cref="EnsembledSweep"/>).
/// </summary>
public class SweepSchedulingTests
{
    private const double Spacing = 0.25;

    private static double Edge(double gamma) => SyntheticSweepPhysics.Edge(gamma);

    private static SweepCellResult Fake(SweepCell cell) => SyntheticSweepPhysics.Result(cell);

    private static FeatureStrengthSweepOptions Options(double startFactor) => new()
    {
        Gammas = new[] { 0.01, 0.1, 10.0, 100.0 },
        LevelSpacingDecades = Spacing,
        StartingLearningRate = g => Edge(g) * startFactor,
        DecadesBelowFirstStable = 1.0,
        MaxDecadesAbove = 3.0,
    };

    private static SweepResult Sweep(FeatureStrengthSweepOptions options) => EnsembledSweep.Run(options, EnsembledSweep.Synthetic);

    [Test]
    public void ScanWalksDownFromTheStartAndStopsTheChosenDecadesBelowTheFirstStableRate()
    {
        var result = Sweep(Options(startFactor: 30));
        foreach (var summary in result.Gammas)
        {
            double edge = Edge(summary.Gamma);
            var levels = result.Cells.Where(c => c.Cell.GammaIndex == summary.GammaIndex).Select(c => c.Cell.Level).ToList();
            int start = SweepCell.LevelAtOrAbove(edge * 30, Spacing);
            int firstStable = (int)Math.Floor(Math.Log10(edge) / Spacing + 1e-9);
            Assert.That(levels, Is.EqualTo(Enumerable.Range(firstStable - 4, start - firstStable + 5).Reverse()), $"levels at γ = {summary.Gamma}");
            // Divergence is recorded exactly where the physics puts it.
            foreach (var cell in result.Cells.Where(c => c.Cell.GammaIndex == summary.GammaIndex))
            {
                Assert.That(cell.Diverged, Is.EqualTo(cell.Cell.LearningRate > edge), cell.Cell.Id);
                Assert.That(cell.SelectionLoss is null, Is.EqualTo(cell.Diverged));
            }
            Assert.That(summary.HighestStableLearningRate, Is.EqualTo(SweepCell.RateAtLevel(firstStable, Spacing)).Within(1e-9).Percent);
            Assert.That(summary.LowestDivergentAbove, Is.EqualTo(SweepCell.RateAtLevel(firstStable + 1, Spacing)).Within(1e-9).Percent);
            Assert.That(summary.StabilityEdgeBracketed, Is.True);
            // log loss is a parabola in log η, so the three-point refinement finds the optimum edge/4 exactly.
            Assert.That(summary.BestLearningRate, Is.EqualTo(edge / 4).Within(1e-6).Percent, $"η* at γ = {summary.Gamma}");
        }
        // η*(γ) = ¾γ² and ¾γ: slopes 2 and 1 exactly.
        Assert.That(result.LazySlope!.Slope, Is.EqualTo(2.0).Within(1e-9));
        Assert.That(result.RichSlope!.Slope, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(result.LazySlope.Points, Is.EqualTo(2));
    }

    [Test]
    public void ScanClimbsWhenItsStartingRateIsStable()
    {
        var options = Options(startFactor: 0.01);
        options.Gammas = new[] { 10.0 };
        var result = Sweep(options);
        var levels = result.Cells.Select(c => c.Cell.Level).OrderBy(l => l).ToList();
        int start = SweepCell.LevelAtOrAbove(Edge(10) * 0.01, Spacing);
        int firstStable = (int)Math.Floor(Math.Log10(Edge(10)) / Spacing + 1e-9);
        // Up from the start to the first divergent level, then down to one decade below the first stable level.
        Assert.That(levels, Is.EqualTo(Enumerable.Range(Math.Min(start, firstStable - 4), firstStable + 2 - Math.Min(start, firstStable - 4))));
        Assert.That(result.Gammas[0].StabilityEdgeBracketed, Is.True);

        options.MaxDecadesAbove = 0.5;
        var capped = Sweep(options);
        Assert.That(capped.Cells.Max(c => c.Cell.Level), Is.EqualTo(start + 2), "the climb stops after MaxDecadesAbove");
        Assert.That(capped.Gammas[0].StabilityEdgeBracketed, Is.False);
    }

    [Test]
    public void ScanContinuesWhileTheLowestRateIsStillTheBest()
    {
        var options = Options(startFactor: 4);
        options.Gammas = new[] { 1.0 };
        options.DecadesBelowFirstStable = 0.25;
        var result = Sweep(options);
        // The optimum sits 0.6 decades under the edge: the scan goes past its 0.25-decade window to bracket it.
        var best = result.Gammas[0].BestLatticeLearningRate!.Value;
        Assert.That(result.Cells.Min(c => c.Cell.LearningRate), Is.LessThan(best));
        options.ContinueWhileImproving = false;
        var strict = Sweep(options);
        Assert.That(strict.Cells.Count(c => !c.Diverged), Is.EqualTo(2), "first stable level and one more");
    }

    // A scan "killed" in its second ensemble, with two seeds' stores, as a γ cell of the study.
    [Test]
    public void AKilledScanResumesWithoutRerunningFinishedRates()
    {
        using var temp = new TempDirectory();
        const string manifest = "{\"sweep\":\"fake\"}";
        var options = Options(30);
        options.Gammas = new[] { 10.0 };
        List<SweepStore> Stores() => new[] { 0, 1 }.Select(s => SweepStore.Open(temp.Combine($"seed{s}"), manifest)).ToList();
        IReadOnlyList<SweepCellResult> Run(IReadOnlyList<(int Seed, SweepCell Cell)> cells, List<(int Seed, SweepCell Cell)> executed, bool killAfterFirst)
        {
            if (killAfterFirst && executed.Count > 0) throw new InvalidOperationException("killed");
            executed.AddRange(cells);
            return EnsembledSweep.Synthetic(cells, CancellationToken.None);
        }
        using var other = new TempDirectory();
        var complete = EnsembledRateScan.Run(options, new[] { SweepStore.Open(other.Path, manifest) }, EnsembledSweep.Synthetic,
            EnsembledRateScan.DefaultWidth, null, CancellationToken.None)[0];

        var first = new List<(int Seed, SweepCell Cell)>();
        Assert.Throws<InvalidOperationException>(() => EnsembledRateScan.Run(options, Stores(), (cells, _) => Run(cells, first, killAfterFirst: true),
            EnsembledRateScan.DefaultWidth, null, CancellationToken.None));
        HashSet<string> Finished(int seed) =>
            Directory.GetFiles(temp.Combine($"seed{seed}", "cells"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).ToHashSet();
        var finished = new[] { Finished(0), Finished(1) };
        Assert.That(first, Is.Not.Empty);
        Assert.That(finished[0], Is.EquivalentTo(first.Where(c => c.Seed == 0).Select(c => c.Cell.Id)), "every finished rate was saved");
        Assert.That(finished[1], Is.EquivalentTo(first.Where(c => c.Seed == 1).Select(c => c.Cell.Id)));
        Assert.That(finished[0], Has.Count.LessThan(complete.Count), "the scan was killed before its end");
        // A rate killed while its result was being written leaves only a temporary file.
        string partial = Path.Combine(temp.Combine("seed0", "cells"), ".g00_k+009.json.4242-0123" + AtomicFileWriter.TemporaryEnding);
        File.WriteAllText(partial, "{\"cell\":");

        var second = new List<(int Seed, SweepCell Cell)>();
        var resumed = EnsembledRateScan.Run(options, Stores(), (cells, _) => Run(cells, second, killAfterFirst: false),
            EnsembledRateScan.DefaultWidth, null, CancellationToken.None);
        Assert.That(second, Is.Not.Empty);
        Assert.That(second.Where(c => finished[c.Seed].Contains(c.Cell.Id)), Is.Empty, "finished rates are not rerun");
        Assert.That(File.Exists(partial), Is.False, "the partial file is discarded");
        foreach (var scan in resumed)
            Assert.That(scan.Select(r => r.Cell), Is.EqualTo(complete.Select(r => r.Cell)), "same rates as an uninterrupted scan");

        // A third run has nothing left to do.
        var third = new List<(int Seed, SweepCell Cell)>();
        var again = EnsembledRateScan.Run(options, Stores(), (cells, _) => Run(cells, third, killAfterFirst: false),
            EnsembledRateScan.DefaultWidth, null, CancellationToken.None);
        Assert.That(third, Is.Empty);
        Assert.That(again[1].Select(r => r.Cell), Is.EqualTo(complete.Select(r => r.Cell)));
    }

    [Test]
    public void StoreRefusesADirectoryHoldingAnotherSweep()
    {
        using (var temp = new TempDirectory())
        {
            string dir = temp.Path;
            SweepStore.Open(dir, "{\"steps\":100}");
            var ex = Assert.Throws<InvalidDataException>(() => SweepStore.Open(dir, "{\"steps\":200}"));
            Assert.That(ex!.Message, Does.Contain(SweepStore.ManifestFileName).And.Contain("different sweep"));
            Assert.DoesNotThrow(() => SweepStore.Open(dir, "{\"steps\":100}"));
        }
    }

    // A finished cell's check (run-cell, merge) used to open its stores for writing, which removes temporary files:
    // those of a scan another process is still writing.
    [Test]
    public void AStoreOpenedForReadingTouchesNothing()
    {
        using var temp = new TempDirectory();
        var store = SweepStore.Open(temp.Path, "m");
        string writing = Path.Combine(store.CellDirectory, ".cell.json" + AtomicFileWriter.TemporaryEnding);
        File.WriteAllText(writing, "{");
        var cell = new SweepCell(0, 1.0, 0, 1.0);
        Assert.Multiple(() =>
        {
            Assert.That(SweepStore.ForReading(temp.Path).TryLoad(cell), Is.Null);
            Assert.That(File.Exists(writing), "another writer's temporary file stays");
            Assert.That(SweepStore.ForReading(Path.Combine(temp.Path, "absent")).TryLoad(cell), Is.Null);
            Assert.That(Directory.Exists(Path.Combine(temp.Path, "absent")), Is.False, "nothing is created");
        });
    }

    // The check of a finished γ cell (run-cell, merge) reads each seed's store and leaves its folder as it is.
    [Test]
    public void CheckingAFinishedGammaCellTouchesNoFileOfItsStores()
    {
        using var temp = new TempDirectory();
        var settings = FeatureStrengthSettings.Quick.ForDepth(2);
        var scans = settings.SeedList().Select(seed => new SeedScan(seed, Array.Empty<SweepCellResult>())).ToList();
        File.WriteAllText(Path.Combine(temp.Path, GammaScan.ResultFile), System.Text.Json.JsonSerializer.Serialize(scans, SweepJson.Compact));
        var writing = new List<string>();
        foreach (long seed in settings.SeedList())
        {
            var store = SweepStore.Open(GammaScan.SeedFolder(temp.Path, seed), settings.ForSeed(seed).Manifest());
            string file = Path.Combine(store.CellDirectory, ".cell.json.77-0123" + AtomicFileWriter.TemporaryEnding);
            File.WriteAllText(file, "{");
            writing.Add(file);
        }
        Assert.That(GammaScan.Verify(temp.Path, settings, gammaIndex: 0), Is.Null);
        Assert.That(writing.All(File.Exists), "another writer's temporary files stay");

        // A null where a rate or its cell stands is a damaged file, named, not a null reference.
        string path = Path.Combine(temp.Path, GammaScan.ResultFile);
        foreach (string rate in new[] { "null", "{\"cell\":null}" })
        {
            File.WriteAllText(path, $"[{{\"seed\":{settings.SeedList()[0]},\"cells\":[{rate}]}}]");
            Assert.That(GammaScan.Verify(temp.Path, settings, gammaIndex: 0), Does.StartWith(path + " "), rate);
        }
    }

    [Test]
    public void StoreRoundTripsResultsWithNonFiniteNumbersAtomically()
    {
        using (var temp = new TempDirectory())
        {
            string dir = temp.Path;
            var store = SweepStore.Open(dir, "m");
            var cell = new SweepCell(2, 0.0316227766016838, -7, SweepCell.RateAtLevel(-7, Spacing));
            var result = new SweepCellResult
            {
                Cell = cell, Outcome = TrainingOutcome.Diverged, DivergenceStep = 4, DivergenceReason = "the batch loss is not finite",
                Steps = 4, BatchLosses = new[] { 1.0, 2.5, double.PositiveInfinity, double.NaN }, TestLossSteps = new[] { 0 },
                TestLosses = new[] { 1.0 }, WallSeconds = 0.25,
            };
            Assert.That(store.TryLoad(cell), Is.Null);
            store.Save(result);
            Assert.That(Directory.GetFiles(store.CellDirectory), Has.Length.EqualTo(1), "no temporary file is left");
            var loaded = store.TryLoad(cell)!;
            Assert.That(loaded.Cell, Is.EqualTo(cell));
            Assert.That(loaded.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
            Assert.That(loaded.BatchLosses[2], Is.EqualTo(double.PositiveInfinity));
            Assert.That(double.IsNaN(loaded.BatchLosses[3]), Is.True);
            Assert.That(loaded.DivergenceReason, Is.EqualTo(result.DivergenceReason));

            // Read back for a check (run-cell, merge), a file that cannot be trusted is an error naming it.
            var reader = SweepStore.ForReading(dir);
            File.WriteAllText(store.ResultPath(cell), "{ not json");
            var ex = Assert.Throws<InvalidDataException>(() => reader.TryLoad(cell));
            Assert.That(ex!.Message, Does.Contain(cell.Id).And.Contain("is not a readable cell result").And.Not.Contain("Delete it"));

            // Well-formed JSON with impossible numbers: an infinite final loss (1e309 reads as infinity) used to end
            // in a stack trace from the η* fit; negative steps were trusted.
            var finished = result with
            {
                Outcome = TrainingOutcome.BudgetReached, DivergenceStep = null, DivergenceReason = null,
                BatchLosses = new[] { 1.0, 0.9, 0.8, 0.7 }, FinalOnlineLoss = 0.75, FinalTestLoss = 0.8,
            };
            store.Save(finished);
            Assert.That(store.TryLoad(cell)!.SelectionLoss, Is.EqualTo(0.8), "a consistent result is trusted");
            foreach (var (impossible, reason) in new (SweepCellResult, string)[]
            {
                (finished with { FinalTestLoss = double.PositiveInfinity }, "a loss of Infinity in a run that did not diverge"),
                (finished with { Steps = -5 }, "steps is -5"),
                (finished with { Steps = 9 }, "4 batch losses for 9 steps"),
                (finished with { TestLossSteps = new[] { 7 } }, "testLossSteps are not ordered steps in 0..4"),
                (finished with { BatchLosses = null! }, "a loss curve is null"),
            })
            {
                store.Save(impossible);
                ex = Assert.Throws<InvalidDataException>(() => reader.TryLoad(cell));
                Assert.That(ex!.Message, Does.StartWith(store.ResultPath(cell)).And.Contain($"holds an impossible cell result ({reason})"));
            }

            // A damaged field name whose value is the default (the reason of a run that did not diverge) used to be
            // skipped, and the result trusted (found by random damage, 6 Dec 2026).
            store.Save(finished);
            string text = File.ReadAllText(store.ResultPath(cell));
            Assert.That(text, Does.Contain("\"divergenceReason\":null"));
            File.WriteAllText(store.ResultPath(cell), text.Replace("\"divergenceReason\":", "\"divergenceReasom\":", StringComparison.Ordinal));
            ex = Assert.Throws<InvalidDataException>(() => reader.TryLoad(cell));
            Assert.That(ex!.Message, Does.StartWith(store.ResultPath(cell)).And.Contain("is not a readable cell result").And.Contain("'divergenceReasom'"));
        }
    }

    // In the sweep's own store a damaged rate file used to fail every rerun of its cell ("Delete it to rerun"), although
    // the store is the cell's own and no scheduler retry deletes anything.
    [TestCase("{ \"cell\": ", TestName = "A torn rate file runs again")]
    [TestCase("{ \"cell\": null, \"outcome\": \"BudgetReached\" }", TestName = "A rate file without its cell runs again")]
    [TestCase("{ \"steps\": 4, \"steps\": 5 }", TestName = "A rate file with a field given twice runs again")]
    public void TheSweepsOwnStoreRunsADamagedRateAgain(string text)
    {
        using var temp = new TempDirectory();
        var store = SweepStore.Open(temp.Path, "m");
        var cell = new SweepCell(0, 1.0, 3, SweepCell.RateAtLevel(3, Spacing));
        File.WriteAllText(store.ResultPath(cell), text);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.That(store.TryLoad(cell), Is.Null, "not finished");
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.That(File.Exists(store.ResultPath(cell)), Is.False, "the file is gone, so the rate runs again");
        Assert.That(output.ToString(), Does.StartWith(store.ResultPath(cell)).And.Contain("not trusted, and the cell runs again"));
        File.WriteAllText(store.ResultPath(cell), text);
        var ex = Assert.Throws<InvalidDataException>(() => SweepStore.ForReading(temp.Path).TryLoad(cell), "a check only reads");
        Assert.That(ex!.Message, Does.StartWith(store.ResultPath(cell)));
    }

    // A rate file of a sweep with another budget, copied in: the same γ and η, so only its steps tell.
    [Test]
    public void ARateFileOfAnotherBudgetIsNotThisSweepsRun()
    {
        using var temp = new TempDirectory();
        var spec = new FeatureStrengthCellSpec().WithSteps(4);
        var store = SweepStore.Open(temp.Path, "m", spec.Mismatch);
        var cell = new SweepCell(0, 1.0, 3, SweepCell.RateAtLevel(3, Spacing));
        var run = new SweepCellResult
        {
            Cell = cell, Outcome = TrainingOutcome.BudgetReached, Steps = 4, BatchLosses = new[] { 1.0, 0.9, 0.8, 0.7 },
            TestLossSteps = new[] { 0 }, TestLosses = new[] { 1.0 }, FinalOnlineLoss = 0.75, FinalTestLoss = 0.8,
        };
        store.Save(run);
        Assert.That(store.TryLoad(cell), Is.Not.Null, "this sweep's run");
        store.Save(run with { Steps = 8, BatchLosses = new double[8] });
        Assert.That(spec.Mismatch(run with { Steps = 8 }), Is.EqualTo("it made 8 steps, more than this sweep's budget of 4"));
        Assert.That(spec.Mismatch(run with { Steps = 3 }), Is.EqualTo("it made 3 steps without diverging, not this sweep's 4"));
        Assert.That(spec.Mismatch(run with { Outcome = TrainingOutcome.Diverged, Steps = 3 }), Is.Null, "a diverged run stops early");
        var ex = Assert.Throws<InvalidDataException>(() => SweepStore.ForReading(temp.Path, spec.Mismatch).TryLoad(cell));
        Assert.That(ex!.Message, Does.Contain("is not this sweep's run of cell").And.Contain("more than this sweep's budget of 4"));
    }

    [Test]
    public void CatapultCountComesFromThePluggableCounter()
    {
        var options = Options(30);
        options.CatapultCounter = losses => losses.Count(l => l > 10);
        var result = Sweep(options);
        Assert.That(result.Cells.Where(c => !c.Diverged).Select(c => c.CatapultCount), Is.All.EqualTo(2));
        Assert.That(result.Cells.Where(c => c.Diverged).Select(c => c.CatapultCount), Is.All.EqualTo(2));
        Assert.That(result.Gammas.Select(g => g.CatapultCountAtBest), Is.All.EqualTo(2));
        var without = FeatureStrengthSweep.Summarise(Options(30), result.Cells.Select(c => c with { CatapultCount = null }));
        Assert.That(without.Cells.Select(c => c.CatapultCount), Is.All.Null);
    }
}
