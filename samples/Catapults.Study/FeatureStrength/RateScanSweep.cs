using System.Diagnostics;
using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// Runs γ–η sweeps: for each γ of the grid, a learning-rate scan down the lattice (<see cref="LearningRateScan"/>
/// decides each next rate from the outcomes so far), then the engine's <see cref="FeatureStrengthSweep.Summarise"/>.
/// </summary>
/// <remarks>
/// Different γ run side by side (up to <see cref="FeatureStrengthSweepOptions.Parallelism"/> cells at once); within a
/// γ the scan is sequential because each step depends on the previous outcome. With a <see cref="SweepStore"/>, every
/// finished cell is saved atomically and a rerun skips it, so a killed sweep resumes where it stopped. The study runs
/// one γ per cell (<see cref="GammaScan"/>).
/// </remarks>
public static class RateScanSweep
{
    /// <summary>
    /// Runs (or resumes) the sweep. <paramref name="store"/> may be null (no persistence); when the executor writes the
    /// results itself (child processes), the sweep reloads them from the store.
    /// </summary>
    public static async Task<SweepResult> RunAsync(FeatureStrengthSweepOptions options, ICellExecutor executor, SweepStore? store = null,
        IProgress<SweepCellResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var scans = options.Gammas.Select((g, i) => new LearningRateScan(i, g, options)).ToList();
        var running = new Dictionary<Task<SweepCellResult>, LearningRateScan>();
        int executed = 0, reused = 0;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool launched = true;
            while (launched)
            {
                launched = false;
                foreach (var scan in scans)
                {
                    if (scan.InFlight) continue;
                    // Replay finished cells without running them (resume), as far as the scan's decisions allow.
                    SweepCell? next;
                    while ((next = scan.Next()) is not null && store?.TryLoad(next) is { } stored)
                    {
                        scan.Record(stored);
                        reused++;
                        progress?.Report(stored);
                    }
                    if (next is null || running.Count >= options.Parallelism) continue;
                    scan.InFlight = true;
                    running.Add(executor.RunAsync(next, cancellationToken), scan);
                    launched = true;
                }
            }
            if (running.Count == 0) break;

            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var owner = running[finished];
            running.Remove(finished);
            owner.InFlight = false;
            SweepCellResult result;
            try
            {
                result = await finished.ConfigureAwait(false);
            }
            catch
            {
                // Let the cells still running finish or fail before surfacing the error, so none is left orphaned,
                // and keep the ones that finished: a rerun resumes from them.
                try { await Task.WhenAll(running.Keys).ConfigureAwait(false); } catch { /* the first error wins */ }
                if (store is not null)
                    foreach (var other in running.Keys.Where(t => t.IsCompletedSuccessfully))
                        if (store.TryLoad(other.Result.Cell) is null) store.Save(other.Result);
                throw;
            }
            if (store is not null && store.TryLoad(result.Cell) is null) store.Save(result);
            owner.Record(result);
            executed++;
            progress?.Report(result);
        }

        return FeatureStrengthSweep.Summarise(options, scans.SelectMany(s => s.Results), executed, reused, clock.Elapsed);
    }
}
