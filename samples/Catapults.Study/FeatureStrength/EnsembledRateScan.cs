using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// One γ's learning-rate scan with its rates trained as members of ensembles: the scan still decides each next rate
/// from the outcomes so far (<see cref="LearningRateScan"/>), but when it asks for a rate that has not been run, the
/// rate and the next <see cref="DefaultWidth"/> − 1 lattice levels in the scan's direction are trained together as one
/// ensemble (<see cref="FeatureStrengthCellRunner.RunEnsemble"/>). The scan records only the rates it asks for, in its
/// own order, so it takes the same decisions and selects the same η* as the sequential scan up to float32 rounding;
/// rates run ahead and never asked for stay in the store and out of the scan's results.
/// </summary>
internal static class EnsembledRateScan
{
    /// <summary>
    /// Lattice levels trained per ensemble: 6 covers a typical scan (a diverging start, the first stable rate and the
    /// decade below it) in one or two rounds.
    /// </summary>
    public const int DefaultWidth = 6;

    /// <summary>Runs (or resumes from <paramref name="store"/>) the scan of the single γ of <paramref name="options"/>.</summary>
    public static IReadOnlyList<SweepCellResult> Run(FeatureStrengthSweepOptions options, Func<IReadOnlyList<SweepCell>, CancellationToken, IReadOnlyList<SweepCellResult>> runEnsemble,
        SweepStore store, int width, IProgress<SweepCellResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runEnsemble);
        ArgumentNullException.ThrowIfNull(store);
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "An ensemble needs at least one member.");
        options.Validate();
        if (options.Gammas.Length != 1) throw new ArgumentException("An ensembled scan runs one γ.", nameof(options));
        var scan = new LearningRateScan(0, options.Gammas[0], options);
        while (scan.Next() is { } next)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (store.TryLoad(next) is { } stored)
            {
                scan.Record(stored);
                progress?.Report(stored);
                continue;
            }
            // A scan walks down from its start unless the start was stable, when it climbs: run ahead the same way.
            var done = scan.Results.Select(r => r.Cell.Level).ToList();
            int direction = done.Count > 0 && next.Level > done.Max() ? 1 : -1;
            var batch = new List<SweepCell> { next };
            for (int level = next.Level + direction; batch.Count < width; level += direction)
            {
                var cell = scan.CellAt(level);
                if (done.Contains(level) || store.TryLoad(cell) is not null) break;
                batch.Add(cell);
            }
            foreach (var result in runEnsemble(batch, cancellationToken))
                if (store.TryLoad(result.Cell) is null) store.Save(result);
            var own = store.TryLoad(next) ?? throw new InvalidOperationException($"The ensemble did not return cell {next.Id}.");
            scan.Record(own);
            progress?.Report(own);
        }
        return scan.Results.ToList();
    }
}
