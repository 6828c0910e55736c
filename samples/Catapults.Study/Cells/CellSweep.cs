using System.Diagnostics;
using Catapults.ML.Runtime;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>
/// Plan, run one cell, run them all, merge: the one way every experiment runs. The plain command is the three in a row
/// in one folder; a cluster runs the middle one as many tasks.
/// </summary>
public static class CellSweep
{
    /// <summary>
    /// Runs cell <paramref name="index"/> of the plan in <paramref name="directory"/> in this process: read back (nothing
    /// done) when finished, otherwise run (resuming from its checkpoint) and recorded as finished or failed.
    /// </summary>
    /// <exception cref="ConfigurationException">The plan or the index is unusable.</exception>
    /// <exception cref="CellBusyException">Another process is running the cell; nothing was done.</exception>
    /// <exception cref="CellFailedException">The cell failed; its record says why.</exception>
    public static void RunCell(CellCatalog catalog, string directory, int index, CancellationToken cancellationToken)
    {
        var plan = CellPlan.Read(directory);
        var cell = plan.CellAt(index);
        var experiment = catalog.Find(plan.Experiment);
        // Before the cell's files are checked, and perhaps emptied: an edited plan.json that names another experiment
        // than its cells' must not cost a finished cell.
        if (CellPlan.ConfigurationProblem(cell, experiment.ConfigurationType) is string misfit)
            throw new ConfigurationException(
                $"{CellPlan.PathIn(directory)}: cell {cell.Index} ({cell.Label}) is not a cell of the {experiment.Name} experiment the plan names ({misfit}); nothing was changed.");
        ConfigureThreads(plan, directory);
        using var held = CellLock.Take(directory, cell);
        var watch = Stopwatch.StartNew();
        var status = CellLedger.Inspect(directory, cell);
        PrepareToRun(experiment, plan, directory, status);
        string? problem = status.Finished ? experiment.VerifyFinished(Context(plan, directory, cell)) : null;
        if (problem is not null) Distrust(directory, cell, problem);
        bool ran = (!status.Finished || problem is not null) && Run(experiment, plan, directory, cell, cancellationToken);
        Console.WriteLine(ran
            ? $"cell {cell.Index} ({cell.Label}): finished in {watch.Elapsed.TotalSeconds:F1} s"
            : $"cell {cell.Index} ({cell.Label}): finished before; read back, not rerun");
    }

    /// <summary>
    /// Runs every unfinished cell of the plan in <paramref name="directory"/>: in this process one after another when
    /// <paramref name="jobs"/> is 1 (stopping at the first failure, which is rethrown), else in <paramref name="jobs"/>
    /// local processes at once (running all; failures are recorded for the merge to name). Without
    /// <paramref name="keepFinished"/> every cell's folder is emptied first, so every cell runs from the start.
    /// Every cell's folder is emptied, checked or run only under its lock (<see cref="CellLock"/>); in child processes
    /// each child takes its own.
    /// </summary>
    /// <exception cref="CellBusyException">Another process runs one of the cells.</exception>
    public static void RunAll(ICellExperiment experiment, CellPlan plan, string directory, int jobs, bool keepFinished, CancellationToken cancellationToken)
    {
        if (!keepFinished)
            foreach (var cell in plan.Cells)
                using (CellLock.Take(directory, cell))
                    EmptyFolder(directory, cell);
        var unfinished = CellLedger.InspectAll(directory, plan).Where(s => !s.Finished).ToList();
        foreach (var status in unfinished)
        {
            // Only a foreign folder may be emptied, and that only under the cell's lock.
            using var held = status.Foreign ? CellLock.Take(directory, status.Cell) : null;
            PrepareToRun(experiment, plan, directory, status);
        }
        var pending = unfinished.Select(s => s.Cell).ToList();
        // A finished cell is trusted only when its experiment finds its files intact; otherwise it runs again.
        foreach (var cell in plan.Cells.Except(pending).ToList())
        {
            using var held = CellLock.Take(directory, cell);
            if (experiment.VerifyFinished(Context(plan, directory, cell)) is string problem)
            {
                Distrust(directory, cell, problem);
                CellLedger.MarkFailed(directory, cell, problem);
                pending.Add(cell);
            }
        }
        pending = pending.OrderBy(c => c.Index).ToList();
        int reused = plan.Cells.Count - pending.Count;
        if (reused > 0) Console.WriteLine($"{reused} of {plan.Cells.Count} cells finished before; read back, not rerun.");
        if (pending.Count == 0) return;
        if (jobs <= 1)
        {
            ConfigureThreads(plan, directory);
            int done = 0;
            foreach (var cell in pending)
            {
                var watch = Stopwatch.StartNew();
                using (CellLock.Take(directory, cell))
                    Run(experiment, plan, directory, cell, cancellationToken);
                Console.WriteLine($"[{++done}/{pending.Count}] cell {cell.Index} ({cell.Label}): finished in {watch.Elapsed.TotalSeconds:F1} s");
            }
            return;
        }
        int count = 0;
        var refused = new System.Collections.Concurrent.ConcurrentBag<int>();
        LocalCellProcesses.RunAsync(directory, pending.Select(c => c.Index).ToList(), jobs,
            (index, code) =>
            {
                int k = Interlocked.Increment(ref count);
                var cell = plan.Cells[index];
                if (code == ConfigurationException.ExitCode) refused.Add(index);
                // One write, so that two cells finishing together do not interleave their lines.
                Console.Write(code == 0
                    ? LinesOfChildCell(directory, cell, $"[{k}/{pending.Count}] ")
                    : $"[{k}/{pending.Count}] cell {index} ({cell.Label}): exit code {code}{ChildError(directory, index)}, see {LocalCellProcesses.LogPath(directory, index)}{Environment.NewLine}");
            }, cancellationToken).GetAwaiter().GetResult();
        // A cell that heard the same Ctrl-C and ended first is reported above; the command is cancelled all the same.
        cancellationToken.ThrowIfCancellationRequested();
        // A cell process that refused its configuration (e.g. a warm-up that diverged) recorded nothing; its one error
        // line, from its log, is the command's, as it would be with the cells run in this process.
        if (!refused.IsEmpty)
        {
            int first = refused.Min();
            throw new ConfigurationException($"cell {first} ({plan.Cells[first].Label}): " +
                (LastErrorLine(directory, first) ?? $"exit code 2, see {LocalCellProcesses.LogPath(directory, first)}"));
        }
    }

    // The last "error: " line of a child cell's log, without the prefix; null when there is none.
    private static string? LastErrorLine(string directory, int index)
    {
        string log = LocalCellProcesses.LogPath(directory, index);
        const string Prefix = "error: ";
        string? line = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal)) : null;
        return line?[Prefix.Length..];
    }

    private static string ChildError(string directory, int index) => LastErrorLine(directory, index) is { } error ? $" ({error})" : "";

    // What the cell would have printed had it run in this process, from its child's log: its result lines, then its
    // closing line, numbered as in the loop above.
    private static string LinesOfChildCell(string directory, PlannedCell cell, string number)
    {
        string log = LocalCellProcesses.LogPath(directory, cell.Index);
        var lines = File.Exists(log) ? File.ReadAllLines(log).ToList() : new List<string>();
        string closing = $"cell {cell.Index} ({cell.Label}): ";
        int last = lines.FindLastIndex(l => l.StartsWith(closing, StringComparison.Ordinal));
        string end = last >= 0 ? lines[last] : closing + "finished";
        if (last >= 0) lines.RemoveAt(last);
        lines.Add(number + end);
        return string.Concat(lines.Select(l => l + Environment.NewLine));
    }

    /// <summary>
    /// Writes the report from the plan in <paramref name="directory"/> when every cell finished; otherwise names the
    /// missing and failed cells by index on stderr and returns <see cref="ConfigurationException.ExitCode"/> (2).
    /// </summary>
    /// <exception cref="InvalidDataException">A finished cell's files fail its experiment's check; the message names the cell and the run-cell that reruns it.</exception>
    public static int Merge(ICellExperiment experiment, CellPlan plan, string directory, CancellationToken cancellationToken)
    {
        var statuses = CellLedger.InspectAll(directory, plan);
        var missing = statuses.Where(s => s.Missing).Select(s => s.Cell.Index).ToList();
        var failed = statuses.Where(s => !s.Finished && !s.Missing).ToList();
        if (missing.Count > 0 || failed.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {CellLedger.Ranges(missing)}");
            if (failed.Count > 0) parts.Add($"failed {CellLedger.Ranges(failed.Select(f => f.Cell.Index))}");
            Cli.WriteError($"error: {missing.Count + failed.Count} of {plan.Cells.Count} cells of {CellPlan.PathIn(directory)} are not finished: {string.Join("; ", parts)}.",
                " Run them (run-cell --index I, or resubmit those indices), then merge again.");
            const int Shown = 20;
            foreach (var f in failed.Take(Shown)) Cli.WriteError($"  cell {f.Cell.Index} ({f.Cell.Label}): {f.Problem}");
            if (failed.Count > Shown) Cli.WriteError($"  … and {failed.Count - Shown} more failed cells.");
            // A missing cell that a task has taken is most often still running: say so, so that nobody reruns it by hand.
            var taken = statuses.Where(s => s.Missing).Select(s => (s.Cell, Holder: CellLock.TakenBy(directory, s.Cell))).Where(t => t.Holder is not null).ToList();
            foreach (var (cell, holder) in taken.Take(Shown))
                Cli.WriteError($"  cell {cell.Index} ({cell.Label}): taken by {holder}", ", and not released: still running, or killed.");
            if (taken.Count > Shown) Cli.WriteError($"  … and {taken.Count - Shown} more taken cells.");
            return ConfigurationException.ExitCode;
        }
        ConfigureThreads(plan, directory);
        // Every finished cell is checked as a rerun would check it, before any of its files goes into the report: a
        // damaged one must not be read, nor trained again here, in the merge.
        foreach (var status in statuses)
            if (experiment.VerifyFinished(Context(plan, directory, status.Cell)) is string problem)
                throw new InvalidDataException(
                    $"cell {status.Cell.Index} ({status.Cell.Label}): {problem}; run-cell --plan {directory} --index {status.Cell.Index} runs it again.");
        experiment.Merge(plan, directory, cancellationToken);
        return 0;
    }

    // A finished cell found damaged keeps nothing worth resuming from (its experiment's stores may be torn too), so it
    // runs again from an empty folder, as a cell of a run without keepFinished does; so does a cell whose record is
    // another plan's, unless its experiment finds its own work there (ICellExperiment.HoldsOwnWork): otherwise a
    // checkpoint or store there would be refused, or worse, trusted. A cell that failed before, or whose record is
    // damaged, runs again; the user learns why here rather than finding the record silently replaced.
    // The caller holds the cell's lock when the record is foreign.
    private static void PrepareToRun(ICellExperiment experiment, CellPlan plan, string directory, CellStatus status)
    {
        if (status.Problem is not null)
            Cli.WriteNotice($"cell {status.Cell.Index} ({status.Cell.Label}): {status.Problem}", "; run again.");
        if (status.Foreign && !experiment.HoldsOwnWork(Context(plan, directory, status.Cell))) EmptyFolder(directory, status.Cell);
    }

    private static void Distrust(string directory, PlannedCell cell, string problem)
    {
        Cli.WriteNotice($"cell {cell.Index} ({cell.Label}): {problem}", "; the finished cell is not trusted and is run again.");
        EmptyFolder(directory, cell);
    }

    private static void EmptyFolder(string directory, PlannedCell cell)
    {
        string folder = CellPlan.CellFolder(directory, cell);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Runs <paramref name="cell"/> and records it as finished or failed; returns true.</summary>
    private static bool Run(ICellExperiment experiment, CellPlan plan, string directory, PlannedCell cell, CancellationToken cancellationToken)
    {
        var context = Context(plan, directory, cell);
        Directory.CreateDirectory(context.Folder);
        // Under the cell's lock no one else writes here: what a killed run's writers left half-written is removed.
        ML.Serialization.AtomicFileWriter.RemoveLeftovers(context.Folder);
        try
        {
            experiment.RunCell(context, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Not a failure of the cell: a kill resumes from the checkpoint.
            throw;
        }
        catch (ConfigurationException ex)
        {
            // Nor is a configuration refused before anything was written, which leaves the cell as it was. Under run-cell
            // the configuration is the plan's (an edited plan.json names options that run-cell does not have), so the
            // cell and the file are named.
            throw new ConfigurationException($"cell {cell.Index} ({cell.Label}) of {CellPlan.PathIn(directory)}: {ex.Message}");
        }
        catch (Exception ex)
        {
            try
            {
                CellLedger.MarkFailed(directory, cell, CellFailedException.ReasonOf(ex));
            }
            catch (Exception recordError) when (recordError is IOException or UnauthorizedAccessException)
            {
                // The cell's own failure matters more; without a record the cell counts as missing and reruns all the same.
            }
            throw;
        }
        CellLedger.MarkFinished(directory, cell);
        return true;
    }

    private static CellContext Context(CellPlan plan, string directory, PlannedCell cell) =>
        new(plan, cell, directory, CellPlan.CellFolder(directory, cell), _ => { });

    // A plan written on one machine may run on another with fewer cores; the count is refused here, by name, rather
    // than handed to libtorch (see RuntimeOptions.MaximumThreads).
    private static void ConfigureThreads(CellPlan plan, string directory)
    {
        if (plan.Threads is not int threads) return;
        if (RuntimeOptions.ThreadCountProblem(threads) is { } problem)
            throw new ConfigurationException(
                $"{CellPlan.PathIn(directory)}: threads {problem} here; plan again with a smaller --threads, or run the cell where it has that many cores (e.g. --cpus-per-task).");
        TorchRuntime.Configure(new RuntimeOptions { Threads = threads });
    }
}
