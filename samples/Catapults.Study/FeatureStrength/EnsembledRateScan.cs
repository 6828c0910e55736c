using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// One γ's learning-rate scans, one per seed, with their rates trained as members of ensembles: each scan still
/// decides its next rate from its own outcomes so far (<see cref="LearningRateScan"/>), but when scans ask for rates
/// that have not been run, each such rate and the next <see cref="DefaultWidth"/> − 1 lattice levels in its scan's
/// direction, for every seed at once, are trained together as one ensemble
/// (<see cref="FeatureStrengthCellRunner.RunEnsemble"/>). A scan records only the rates it asks for, in its own order,
/// so it takes the same decisions and selects the same η* as the sequential scan of its seed up to float32 rounding;
/// rates run ahead and never asked for stay in the store and out of the scan's results.
/// </summary>
internal static class EnsembledRateScan
{
    /// <summary>
    /// Lattice levels trained per seed and ensemble: 6 covers a typical scan (a diverging start, the first stable rate
    /// and the decade below it) in one or two rounds.
    /// </summary>
    public const int DefaultWidth = 6;

    /// <summary>
    /// Runs (or resumes from <paramref name="stores"/>, one per seed) the scans of the single γ of
    /// <paramref name="options"/>; <paramref name="runEnsemble"/> gets (seed position, cell) pairs and returns their
    /// results in the same order. Returns each seed's scan, in the order of <paramref name="stores"/>.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<SweepCellResult>> Run(FeatureStrengthSweepOptions options, IReadOnlyList<SweepStore> stores,
        Func<IReadOnlyList<(int Seed, SweepCell Cell)>, CancellationToken, IReadOnlyList<SweepCellResult>> runEnsemble,
        int width, IProgress<(int Seed, SweepCellResult Result)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(runEnsemble);
        if (stores.Count == 0) throw new ArgumentException("A scan needs at least one seed's store.", nameof(stores));
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "An ensemble needs at least one member.");
        options.Validate();
        if (options.Gammas.Length != 1) throw new ArgumentException("An ensembled scan runs one γ.", nameof(options));
        var scans = stores.Select(_ => new LearningRateScan(0, options.Gammas[0], options)).ToList();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var asked = new List<(int Seed, SweepCell Cell)>();
            var batch = new List<(int Seed, SweepCell Cell)>();
            for (int s = 0; s < scans.Count; s++)
            {
                var scan = scans[s];
                SweepCell? next;
                // Replay the finished rates of a resumed scan, as far as its decisions allow.
                while ((next = scan.Next()) is not null && stores[s].TryLoad(next) is { } stored)
                {
                    scan.Record(stored);
                    progress?.Report((s, stored));
                }
                if (next is null) continue;
                asked.Add((s, next));
                batch.AddRange(RunAhead(scan, stores[s], next, width).Select(c => (s, c)));
            }
            if (asked.Count == 0) break;
            var results = runEnsemble(batch, cancellationToken);
            if (results.Count != batch.Count) throw new InvalidOperationException($"The ensemble returned {results.Count} results for {batch.Count} cells.");
            for (int i = 0; i < batch.Count; i++)
            {
                if (results[i].Cell != batch[i].Cell) throw new InvalidOperationException($"The ensemble returned cell {results[i].Cell.Id} in place of {batch[i].Cell.Id}.");
                if (stores[batch[i].Seed].TryLoad(results[i].Cell) is null) stores[batch[i].Seed].Save(results[i]);
            }
            foreach (var (s, cell) in asked)
            {
                var own = stores[s].TryLoad(cell) ?? throw new InvalidOperationException($"The ensemble did not return cell {cell.Id}.");
                scans[s].Record(own);
                progress?.Report((s, own));
            }
        }
        return scans.Select(s => (IReadOnlyList<SweepCellResult>)s.Results.ToList()).ToList();
    }

    // The rate a scan asks for and up to width − 1 further levels the same way it is walking, stopping at a level
    // already run. A scan walks down from its start unless the start was stable, when it climbs.
    private static List<SweepCell> RunAhead(LearningRateScan scan, SweepStore store, SweepCell next, int width)
    {
        var done = scan.Results.Select(r => r.Cell.Level).ToList();
        int direction = done.Count > 0 && next.Level > done.Max() ? 1 : -1;
        var batch = new List<SweepCell> { next };
        for (int level = next.Level + direction; batch.Count < width; level += direction)
        {
            var cell = scan.CellAt(level);
            if (done.Contains(level) || store.TryLoad(cell) is not null) break;
            batch.Add(cell);
        }
        return batch;
    }
}
