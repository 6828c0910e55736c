using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The ensembled scan against a synthetic physics with a known edge of stability (as SweepSchedulingTests'): each seed
/// takes the sequential scan's decisions; an ensemble holds, per seed, the asked rate and the next width − 1 levels the
/// scan walks (down from a diverging start, up once a stable start climbs), stopping at a level already stored; and
/// what it returns is checked against what it was given. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class EnsembledRateScanTests
{
    private const double Spacing = 0.25;

    private static double Edge(double gamma) => SyntheticSweepPhysics.Edge(gamma);

    private static SweepCellResult Fake(SweepCell cell) => SyntheticSweepPhysics.Result(cell);

    private static FeatureStrengthSweepOptions Options(double startFactor, params double[] gammas) => new()
    {
        Gammas = gammas.Length == 0 ? new[] { 10.0 } : gammas, LevelSpacingDecades = Spacing, StartingLearningRate = g => Edge(g) * startFactor,
        DecadesBelowFirstStable = 1.0, MaxDecadesAbove = 3.0,
    };

    private static List<SweepStore> Stores(TempDirectory temp, int seeds) =>
        Enumerable.Range(0, seeds).Select(s => SweepStore.Open(temp.Combine($"seed{s}"), "m")).ToList();

    private sealed class Recorder
    {
        public List<List<(int Seed, SweepCell Cell)>> Calls { get; } = new();

        public IReadOnlyList<SweepCellResult> Run(IReadOnlyList<(int Seed, SweepCell Cell)> cells, CancellationToken ct)
        {
            Calls.Add(cells.ToList());
            return cells.Select(c => Fake(c.Cell)).ToList();
        }

        public List<int> Levels(int call, int seed) => Calls[call].Where(c => c.Seed == seed).Select(c => c.Cell.Level).ToList();
    }

    [Test]
    public void EachSeedTakesTheSequentialScansDecisionsAndAnEnsembleRunsSixLevelsDownPerSeed()
    {
        using var temp = new TempDirectory();
        // The sequential scan: the engine's LearningRateScan, each rate trained before the next is asked for.
        var sequential = new LearningRateScan(0, 10.0, Options(30));
        while (sequential.Next() is { } cell) sequential.Record(Fake(cell));
        var recorder = new Recorder();
        var scans = EnsembledRateScan.Run(Options(30), Stores(temp, 2), recorder.Run, EnsembledRateScan.DefaultWidth, null, CancellationToken.None);

        int start = SweepCell.LevelAtOrAbove(Edge(10) * 30, Spacing);
        Assert.Multiple(() =>
        {
            Assert.That(scans, Has.Count.EqualTo(2));
            foreach (var scan in scans) Assert.That(scan.Select(r => r.Cell), Is.EqualTo(sequential.Results.Select(r => r.Cell)), "the rates the sequential scan asks for");
            // The first ensemble: for each seed, the start (diverging) and the five levels below it, seed by seed.
            Assert.That(recorder.Levels(0, 0), Is.EqualTo(Enumerable.Range(start - 5, 6).Reverse()));
            Assert.That(recorder.Levels(0, 1), Is.EqualTo(Enumerable.Range(start - 5, 6).Reverse()));
            Assert.That(recorder.Calls[0].Select(c => c.Seed), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }));
            Assert.That(recorder.Calls.All(call => call.Count(c => c.Seed == 0) <= EnsembledRateScan.DefaultWidth), Is.True);
        });
    }

    [Test]
    public void AScanWhoseStartIsStableRunsAheadUpwards()
    {
        using var temp = new TempDirectory();
        var recorder = new Recorder();
        EnsembledRateScan.Run(Options(0.01), Stores(temp, 1), recorder.Run, 4, null, CancellationToken.None);
        int start = SweepCell.LevelAtOrAbove(Edge(10) * 0.01, Spacing);
        // Nothing is known before the first ensemble, so it walks down; the start is stable, so the next asks start + 1
        // and runs ahead above it.
        Assert.That(recorder.Levels(0, 0), Is.EqualTo(new[] { start, start - 1, start - 2, start - 3 }));
        Assert.That(recorder.Levels(1, 0), Is.EqualTo(new[] { start + 1, start + 2, start + 3, start + 4 }));
    }

    [Test]
    public void RunningAheadStopsAtALevelAlreadyStored()
    {
        using var temp = new TempDirectory();
        var stores = Stores(temp, 1);
        int start = SweepCell.LevelAtOrAbove(Edge(10) * 30, Spacing);
        stores[0].Save(Fake(new SweepCell(0, 10.0, start - 3, SweepCell.RateAtLevel(start - 3, Spacing))));
        var recorder = new Recorder();
        EnsembledRateScan.Run(Options(30), stores, recorder.Run, EnsembledRateScan.DefaultWidth, null, CancellationToken.None);
        Assert.That(recorder.Levels(0, 0), Is.EqualTo(new[] { start, start - 1, start - 2 }));
    }

    [Test]
    public void AnEnsembleThatReturnsTooFewOrOtherCellsIsAnError()
    {
        using var temp = new TempDirectory();
        var few = Assert.Throws<InvalidOperationException>(() => EnsembledRateScan.Run(Options(30), Stores(temp, 1),
            (cells, _) => new[] { Fake(cells[0].Cell) }, EnsembledRateScan.DefaultWidth, null, CancellationToken.None));
        Assert.That(few!.Message, Does.Contain("returned 1 results for 6 cells"));

        using var other = new TempDirectory();
        var wrong = Assert.Throws<InvalidOperationException>(() => EnsembledRateScan.Run(Options(30), Stores(other, 1),
            (cells, _) => cells.Select(c => Fake(c.Cell with { Level = c.Cell.Level + 100 })).ToList(), EnsembledRateScan.DefaultWidth, null, CancellationToken.None));
        Assert.That(wrong!.Message, Does.Contain("in place of"));
    }

    [Test]
    public void ArgumentsOutsideItsContractAreRefused()
    {
        using var temp = new TempDirectory();
        var recorder = new Recorder();
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => EnsembledRateScan.Run(Options(30), Stores(temp, 1), recorder.Run, 0, null, CancellationToken.None));
            Assert.Throws<ArgumentException>(() => EnsembledRateScan.Run(Options(30), Array.Empty<SweepStore>(), recorder.Run, 6, null, CancellationToken.None));
            Assert.Throws<ArgumentException>(() => EnsembledRateScan.Run(Options(30, 0.1, 10.0), Stores(temp, 1), recorder.Run, 6, null, CancellationToken.None));
            Assert.That(recorder.Calls, Is.Empty);
        });
    }
}
