using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// What the scans tell their progress (the feature-strength cell's console lines): every rate a scan records, freshly
/// run or read back by a resumed scan, under its own seed; and a cancelled scan starts no further ensemble, keeping
/// what finished for the rerun. Found by mutation testing (round 29C): no test passed a progress, and none
/// cancelled a scan whose runner ignores the token.
/// </summary>
public sealed class ScanProgressTests
{
    private const double Spacing = 0.25;

    private sealed class Recorder<T> : IProgress<T>
    {
        public List<T> Reports { get; } = new();

        public void Report(T value) => Reports.Add(value);
    }

    private static readonly FeatureStrengthSettings Tiny = (FeatureStrengthSettings.Quick with
    {
        Width = 8, Steps = 4, EvaluateEvery = 2, HeldOutCount = 16, BatchSize = 8, Seeds = 2, Seed = 5,
    }).ForDepth(2);

    private static IReadOnlyList<SeedScan> RunGammaScan(string folder, IProgress<(long Seed, SweepCellResult Result)> progress)
    {
        var console = Console.Out;
        Console.SetOut(new StringWriter());
        try
        {
            return GammaScan.Run(Tiny, 3, folder, progress, CancellationToken.None);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    private static List<double> Rates(IEnumerable<(long Seed, SweepCellResult Result)> reports, long seed) =>
        reports.Where(r => r.Seed == seed).Select(r => r.Result.Cell.LearningRate).ToList();

    [Test]
    public void AGammaScanReportsEachRateOnceUnderItsSeedAndAgainWhenAResumedScanReadsItBack()
    {
        using var temp = new TempDirectory();
        var fresh = new Recorder<(long Seed, SweepCellResult Result)>();
        var scans = RunGammaScan(temp.Path, fresh);
        var resumed = new Recorder<(long Seed, SweepCellResult Result)>();
        RunGammaScan(temp.Path, resumed);
        Assert.Multiple(() =>
        {
            Assert.That(fresh.Reports.Select(r => r.Seed).Distinct(), Is.EquivalentTo(new long[] { 5, 6 }), "the seeds, not their positions");
            foreach (var scan in scans)
            {
                var rates = scan.Cells.Select(c => c.Cell.LearningRate).ToList();
                Assert.That(Rates(fresh.Reports, scan.Seed), Is.EqualTo(rates), $"seed {scan.Seed}: every rate it asked for, in order, once");
                Assert.That(Rates(resumed.Reports, scan.Seed), Is.EqualTo(rates), $"seed {scan.Seed}: a resumed scan reports the rates it reads back");
            }
        });
    }

    private static FeatureStrengthSweepOptions Options(params double[] gammas) => new()
    {
        Gammas = gammas, LevelSpacingDecades = Spacing, StartingLearningRate = g => SyntheticSweepPhysics.Edge(g) * 30,
        DecadesBelowFirstStable = 1.0, MaxDecadesAbove = 3.0,
    };

    [Test]
    public void ACancelledEnsembledScanStartsNoFurtherEnsembleAndKeepsTheFinishedOne()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var store = SweepStore.Open(temp.Path, "m");
        int calls = 0;
        IReadOnlyList<SweepCellResult> Run(IReadOnlyList<(int Seed, SweepCell Cell)> cells, CancellationToken ct)
        {
            calls++;
            cancel.Cancel();
            return cells.Select(c => SyntheticSweepPhysics.Result(c.Cell)).ToList();
        }
        Assert.Throws<OperationCanceledException>(() =>
            EnsembledRateScan.Run(Options(10.0), new[] { store }, Run, EnsembledRateScan.DefaultWidth, null, cancel.Token));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(Directory.GetFiles(store.CellDirectory, "*.json"), Has.Length.EqualTo(EnsembledRateScan.DefaultWidth), "the first ensemble's rates are kept");
    }
}
