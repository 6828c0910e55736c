using Catapults.Study.Infrastructure;
using Catapults.ML.Runtime;

namespace Catapults.Study.Cells;

/// <summary>
/// The commands built on the cell unit: each experiment's plain command (plan, run every cell, merge), <c>plan</c>,
/// <c>run-cell</c> and <c>merge</c>.
/// </summary>
public static class CellCommands
{
    /// <summary>The exit code of run-cell when the cell failed (its record says why).</summary>
    public const int CellFailedExitCode = 1;

    /// <summary>
    /// Adds <paramref name="experiment"/>'s options and the plain action to <paramref name="command"/>: plan into the
    /// output folder, run every unfinished cell (<c>--jobs K</c> local processes at once), merge.
    /// </summary>
    public static void ConfigureExperiment(Command command, ICellExperiment experiment)
    {
        experiment.AddOptions(command);
        var jobs = new Option<int?>("--jobs")
        {
            Description = $"Run this many cells at once, each in its own process (default: {experiment.DefaultJobsText}).",
        };
        command.Options.Add(jobs);
        command.SetAction(Cli.Guard((parse, ct) =>
        {
            int? given = parse.GetValue(jobs);
            if (given is < 1 or > 1024) throw new ConfigurationException($"--jobs must be in 1..1024, got {given}.");
            string output = experiment.OutputFolder(parse);
            bool keep = experiment.KeepsFinishedCells(parse);
            var plan = experiment.Plan(parse, ct);
            int k = given ?? experiment.DefaultJobs(plan);
            try
            {
                // The plain command owns its folder, so it starts only when no other process runs a cell there: a plan
                // of other options replaces the one there, and each cell's record (or, when resuming, the experiment's
                // own check of its files) decides what is still finished.
                CellLock.RequireFree(output, plan);
                if (keep) plan.RequireSameExperimentIn(output);
                if (keep && plan.DiffersFromPlanIn(output)) experiment.RefuseReplacedPlan(plan, output);
                plan.Write(output, replace: true);
                CellSweep.RunAll(experiment, plan, output, k, keep, ct);
            }
            catch (CellBusyException ex)
            {
                throw new ConfigurationException($"{output} is in use: {ex.Message}; wait for it to end, or choose another --out.");
            }
            return CellSweep.Merge(experiment, plan, output, ct);
        }));
    }

    /// <summary>The plain command of <paramref name="experiment"/>.</summary>
    public static Command Experiment(ICellExperiment experiment)
    {
        var command = new Command(experiment.Name, experiment.Description);
        ConfigureExperiment(command, experiment);
        return command;
    }

    /// <summary><c>plan &lt;experiment&gt; [options] --out DIR [--emit slurm,k8s …]</c>: writes plan.json and the scheduler files.</summary>
    public static Command Plan(CellCatalog catalog)
    {
        var plan = new Command("plan", "Write an experiment's cells to DIR/plan.json (and, with --emit, Slurm or Kubernetes files) without running them.");
        foreach (var experiment in catalog.Create())
        {
            var sub = new Command(experiment.Name, experiment.Description);
            experiment.AddOptions(sub);
            var cluster = new ClusterOptions();
            cluster.AddTo(sub);
            sub.SetAction(Cli.Guard((parse, ct) =>
            {
                var targets = cluster.Targets(parse);
                var settings = cluster.Settings(parse);
                string output = experiment.OutputFolder(parse);
                foreach (var target in targets) target.CheckFolder(output);
                // Before planning, which may take minutes (critical rates of a large network): the plan's threads are the option's.
                if (targets.Count > 0 && sub.Options.FirstOrDefault(o => o.Name == "--threads") is Option<int?> threads)
                    settings.CheckThreads(parse.GetValue(threads));
                var cells = experiment.Plan(parse, ct);
                if (targets.Count > 0) settings.CheckFor(cells);
                cells.Write(output);
                Console.WriteLine($"plan: {cells.Cells.Count} cells of {cells.Experiment} in {CellPlan.PathIn(output)}");
                foreach (var target in targets)
                {
                    var files = target.Write(output, cells, settings);
                    Console.WriteLine($"{target.Target}: {string.Join(", ", files)}");
                }
                return 0;
            }));
            plan.Subcommands.Add(sub);
        }
        return plan;
    }

    /// <summary>
    /// <c>run-cell --plan DIR --index I [--wait-if-busy S]</c>: runs one cell; exit 0 finished (now or before), 1 failed,
    /// 2 bad plan or index, 75 another process is running the cell (<see cref="CellBusyException.ExitCode"/>), unless
    /// <c>--wait-if-busy</c> has it wait for that process and then read the cell back.
    /// </summary>
    public static Command RunCell(CellCatalog catalog)
    {
        var command = new Command("run-cell", "Run one cell of a plan (a finished cell is read back; a killed one resumes from its checkpoint).");
        var plan = PlanOption();
        var index = new Option<int?>("--index") { Description = "The cell's index (Slurm: $SLURM_ARRAY_TASK_ID, Kubernetes: $JOB_COMPLETION_INDEX).", Required = true };
        var wait = new Option<double?>("--wait-if-busy")
        {
            Description = "When another process runs the cell, look again every this many seconds until it lets go, then read the " +
                          $"finished cell back (or resume it, if that process was killed), instead of exiting {CellBusyException.ExitCode}. " +
                          $"The emitted Slurm and Kubernetes files pass {CellPlanEmitter.BusyPollSeconds:G4}.",
        };
        command.Options.Add(plan);
        command.Options.Add(index);
        command.Options.Add(wait);
        command.SetAction(Cli.Guard((parse, ct) =>
        {
            string directory = parse.GetValue(plan)!;
            double? seconds = parse.GetValue(wait);
            if (seconds is double s && !(s > 0 && s <= 86_400))
                throw new ConfigurationException($"--wait-if-busy must be a number of seconds in (0, 86400], got {s:G6}.");
            bool told = false;
            while (true)
            {
                try
                {
                    CellSweep.RunCell(catalog, directory, parse.GetValue(index)!.Value, ct);
                    return 0;
                }
                catch (CellBusyException ex) when (seconds is double interval)
                {
                    // A resubmitted task or a replaced pod whose first copy still runs: failing would fail the scheduler's
                    // job (and the merge waiting on it), so it waits for the holder, which either finishes the cell or dies.
                    if (!told) Cli.WriteError(ex.Message, $"; waiting for it, looking again every {interval:G4} s.");
                    told = true;
                    ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(interval));
                    ct.ThrowIfCancellationRequested();
                }
                catch (CellBusyException ex)
                {
                    Cli.WriteError("error: " + ex.Message, "; this process leaves it alone.");
                    return CellBusyException.ExitCode;
                }
                catch (Exception ex) when (ex is not (ConfigurationException or OperationCanceledException))
                {
                    // The cell's record says failed; the scheduler sees a failed task and retries it by index.
                    Cli.WriteError($"error: cell {parse.GetValue(index)} failed: {CellFailedException.ReasonOf(ex)}");
                    return CellFailedExitCode;
                }
            }
        }));
        return command;
    }

    /// <summary><c>merge --plan DIR</c>: writes the report, or names the cells that are missing or failed and exits 2.</summary>
    public static Command Merge(CellCatalog catalog)
    {
        var command = new Command("merge", "Write the report from a plan's finished cells; names missing or failed cells by index and exits 2 when there are any.");
        var plan = PlanOption();
        command.Options.Add(plan);
        command.SetAction(Cli.Guard((parse, ct) =>
        {
            string directory = parse.GetValue(plan)!;
            var cells = CellPlan.Read(directory);
            return CellSweep.Merge(catalog.Find(cells.Experiment), cells, directory, ct);
        }));
        return command;
    }

    private static Option<string> PlanOption() => new("--plan") { Description = "The run folder holding plan.json.", Required = true };
}
