using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// The <c>feature-strength</c> sub-command: a γ–η sweep of centred mean-field networks trained online, run as one
/// child process per (γ, η) cell, resumable, summarised in sweep.json, report.md and PNG figures.
/// </summary>
public static class FeatureStrengthCommand
{
    /// <summary>Builds the command (with its hidden <c>cell</c> sub-command, which the sweep runs in child processes).</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Small preset: 5 γ in 10^-2..10^2, width 32, short budgets (the tests run it)." };
        var output = new Option<string?>("--out") { Description = "Study directory (default runs/feature-strength or runs/feature-strength-quick); one sub-directory per depth. A rerun resumes it." };
        var parallel = new Option<int?>("--parallel") { Description = "Cells run at once (default: the number of cores)." };
        var childProcesses = new Option<bool>("--child-processes") { Description = "Run each cell in its own child process (isolated, about 0.5 s more CPU per cell) instead of on this process's threads." };
        var task = new Option<string?>("--task") { Description = "Synthetic target of the η*(γ) sweeps: rank2 (x1 x2, default) or rank4 (x1 + x1x2 + x1x2x3 + x1x2x3x4)." };
        task.AcceptOnlyFromAmong("rank2", "rank4");
        var depths = new Option<string?>("--depths") { Description = "Depths L (weight layers) to sweep, comma-separated (default 2,3,4)." };
        var dimension = new Option<int?>("--input-dimension") { Description = "Input dimension d (default 16)." };
        var width = new Option<int?>("--width") { Description = "Hidden width N of every hidden layer (default 64; quick 32)." };
        var steps = new Option<int?>("--steps") { Description = "Base step budget T0 (depth 2, γ ≤ 1); a cell gets T0 · (L/2) · (1 + g · log10 max(1, γ)) (default 1000; quick 150)." };
        var growth = new Option<double?>("--step-growth") { Description = "g in the step budget's growth with log10 γ on the rich side (default 1)." };
        var batch = new Option<int?>("--batch-size") { Description = "Fresh samples per step (default 32)." };
        var gammaMin = new Option<double?>("--gamma-min") { Description = "Smallest γ (default 1e-3; quick 1e-2)." };
        var gammaMax = new Option<double?>("--gamma-max") { Description = "Largest γ (default 1e3; quick 1e2)." };
        var perDecade = new Option<int?>("--gammas-per-decade") { Description = "γ grid density (default 2; quick 1)." };
        var spacing = new Option<double?>("--eta-spacing") { Description = "η lattice spacing in decades (default 0.25)." };
        var below = new Option<double?>("--decades-below") { Description = "Decades scanned below the first stable η (default 1)." };
        var exclude = new Option<double?>("--fit-exclude-decades") { Description = "Crossover band |log10 γ| < c left out of the slope fits (default 1)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of initialisation, online stream and held-out set (default 0)." };
        var staircase = new Option<bool?>("--staircase") { Description = "Also run the rank-4 staircase follow-up at depth 2 and large γ (default on)." };

        var command = new Command("feature-strength",
            "γ–η sweeps of centred mean-field networks trained online at depths L = 2, 3, 4: η*(γ) slopes against 2 and 2/L with verdicts, heat maps, plateaus, rescaled time, best loss against γ.")
        {
            quick, output, parallel, childProcesses, task, depths, dimension, width, steps, growth, batch, gammaMin, gammaMax, perDecade, spacing, below, exclude, seed, staircase,
        };
        command.Subcommands.Add(CreateCellCommand());
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool isQuick = parse.GetValue(quick);
            var preset = isQuick ? FeatureStrengthSettings.Quick : FeatureStrengthSettings.Default;
            FeatureStrengthSettings settings;
            int processes = parse.GetValue(parallel) ?? Environment.ProcessorCount;
            try
            {
                settings = preset with
                {
                    Task = parse.GetValue(task) switch { "rank4" => SyntheticTaskKind.Rank4, "rank2" => SyntheticTaskKind.Rank2, _ => preset.Task },
                    Depths = ParseDepths(parse.GetValue(depths)) ?? preset.Depths,
                    InputDimension = parse.GetValue(dimension) ?? preset.InputDimension,
                    Width = parse.GetValue(width) ?? preset.Width,
                    Steps = parse.GetValue(steps) ?? preset.Steps,
                    StepGrowthPerDecade = parse.GetValue(growth) ?? preset.StepGrowthPerDecade,
                    BatchSize = parse.GetValue(batch) ?? preset.BatchSize,
                    GammaMin = parse.GetValue(gammaMin) ?? preset.GammaMin,
                    GammaMax = parse.GetValue(gammaMax) ?? preset.GammaMax,
                    GammasPerDecade = parse.GetValue(perDecade) ?? preset.GammasPerDecade,
                    LevelSpacingDecades = parse.GetValue(spacing) ?? preset.LevelSpacingDecades,
                    DecadesBelowFirstStable = parse.GetValue(below) ?? preset.DecadesBelowFirstStable,
                    SlopeFitExclusionDecades = parse.GetValue(exclude) ?? preset.SlopeFitExclusionDecades,
                    Seed = parse.GetValue(seed) ?? preset.Seed,
                    Staircase = parse.GetValue(staircase) ?? preset.Staircase,
                };
                settings.Validate();
                foreach (int depth in settings.Depths) settings.ForDepth(depth).Validate();
                // More cells at once than cores only contend for the CPUs.
                if (processes < 1 || processes > Environment.ProcessorCount)
                    throw new ArgumentException($"--parallel must be in 1..{Environment.ProcessorCount} (the cores of this machine), got {processes}.");
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 2;
            }
            string directory = parse.GetValue(output) ?? Path.Combine("runs", isQuick ? "feature-strength-quick" : "feature-strength");
            try
            {
                Infrastructure.OutputFolder.Check(directory);
                return await RunStudyAsync(settings, directory, processes, parse.GetValue(childProcesses), cancellationToken).ConfigureAwait(false);
            }
            catch (Infrastructure.ConfigurationException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 2;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Writing the sweep's files failed (a full disk, no permission); the message names the path.
                Console.Error.WriteLine("error: " + ex.Message.ReplaceLineEndings(" "));
                return 2;
            }
        });
        return command;
    }

    private static int[]? ParseDepths(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var depths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out depths[i]))
                throw new ArgumentException($"--depths takes comma-separated integers, got '{text}'.");
        return depths;
    }

    private static async Task<int> RunStudyAsync(FeatureStrengthSettings settings, string directory, int processes, bool childProcesses,
        CancellationToken cancellationToken)
    {
        // One libtorch thread per cell: cells run side by side, and on small networks more threads only contend.
        TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
        var clock = Stopwatch.StartNew();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var depths = new List<DepthSweep>();
        try
        {
            foreach (int depth in settings.Depths)
            {
                var depthSettings = settings.ForDepth(depth);
                string depthDirectory = Path.Combine(directory, $"depth-{depth}");
                var result = await RunSweepAsync(depthSettings, depthDirectory, processes, childProcesses, cancellationToken).ConfigureAwait(false);
                if (result is null) return 1;
                FeatureStrengthOutputs.Write(depthDirectory, depthSettings, result, processes);
                depths.Add(new DepthSweep(depth, depthSettings, result));
            }
            SweepResult? stairs = null;
            FeatureStrengthSettings? stairSettings = null;
            if (settings.Staircase && depths.FirstOrDefault(d => d.Depth == 2) is { } shallow)
            {
                stairSettings = StaircaseFollowUp.Settings(settings, shallow);
                if (stairSettings is not null)
                {
                    Console.WriteLine("staircase follow-up: rank-4 task, depth 2, large γ");
                    stairs = await RunSweepAsync(stairSettings, Path.Combine(directory, StaircaseFollowUp.DirectoryName), processes, childProcesses,
                        cancellationToken, StaircaseFollowUp.StartingRates(stairSettings, shallow)).ConfigureAwait(false);
                    if (stairs is null) return 1;
                }
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            var files = FeatureStrengthStudyReport.Write(directory, settings, depths, stairSettings, stairs, clock.Elapsed, cpu, childProcesses);
            Console.WriteLine();
            Console.WriteLine($"depth | rich slope (2/L) | verdict | lazy slope (2) | verdict   [tolerance ±{SlopeVerdict.Tolerance.ToString("G3", CultureInfo.InvariantCulture)}]");
            foreach (var d in depths)
            {
                var rich = SlopeVerdict.Rich(d.Depth, d.Result);
                var lazy = SlopeVerdict.Lazy(d.Depth, d.Result);
                Console.WriteLine($"  L = {d.Depth} | {rich.SlopeText} ({rich.Predicted.ToString("F3", CultureInfo.InvariantCulture)}) | {rich.VerdictText} | {lazy.SlopeText} | {lazy.VerdictText}");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall {clock.Elapsed.TotalSeconds:F1} s, CPU of this process {cpu.TotalSeconds:F1} s"));
            Console.WriteLine($"  wrote {string.Join(", ", files)} in {directory}");
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: finished cells are kept; rerun the same command to resume.");
            return 130;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 2;
        }
    }

    /// <summary>Runs (or resumes) one sweep; null after a failed cell (the error is printed).</summary>
    private static async Task<SweepResult?> RunSweepAsync(FeatureStrengthSettings settings, string directory, int processes, bool childProcesses,
        CancellationToken cancellationToken, Func<double, double>? startingRate = null)
    {
        var store = SweepStore.Open(directory, settings.Manifest());
        var options = settings.SweepOptions(processes);
        if (startingRate is not null) options.StartingLearningRate = startingRate;
        ICellExecutor executor;
        if (childProcesses)
        {
            string jobs = Path.Combine(store.Directory, "jobs");
            Directory.CreateDirectory(jobs);
            var (program, leading) = SelfInvocation.Current();
            string parentId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            executor = new ChildProcessCellExecutor(program, cell =>
            {
                string job = Path.Combine(jobs, cell.Id + ".json");
                SweepStore.WriteAtomically(job, JsonSerializer.Serialize(new CellJob(cell, settings.CellSpec(cell.Gamma, cell.LearningRate)), SweepJson.Indented));
                return leading.Concat(new[]
                {
                    "feature-strength", "cell", "--job", job, "--result", store.ResultPath(cell), "--parent-pid", parentId, "--threads", "1",
                }).ToList();
            }, store);
        }
        else
        {
            // Each cell seeds its own generators (initialisation, stream, held-out set), so cells on parallel threads
            // give the same results as in child processes.
            executor = new InProcessCellExecutor((cell, ct) => FeatureStrengthCellRunner.Run(settings.CellSpec(cell.Gamma, cell.LearningRate), cell, ct));
        }

        var gammas = settings.Gammas();
        Console.WriteLine($"feature-strength sweep → {store.Directory}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {gammas.Length} γ in [{settings.GammaMin:G3}, {settings.GammaMax:G3}], width {settings.Width}, depth {settings.Depth}, {settings.Task}, " +
            $"{settings.StepsAt(gammas[0])}–{settings.StepsAt(gammas[^1])} steps of {settings.BatchSize}, {processes} at once ({(childProcesses ? "child processes" : "threads")})"));
        var clock = Stopwatch.StartNew();
        SweepResult result;
        try
        {
            result = await FeatureStrengthSweep.RunAsync(options, executor, store, new ConsoleProgress(), cancellationToken).ConfigureAwait(false);
        }
        catch (SweepCellFailedException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return null;
        }
        var rule = settings.CellTemplate().Scaling();
        Console.WriteLine($"{result.Cells.Count} cells ({result.ExecutedCells} run, {result.ReusedCells} reused) in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  slope of log η* vs log γ, γ ≪ 1: {result.LazySlope?.Slope.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"} (predicted 2)");
        Console.WriteLine($"  slope of log η* vs log γ, γ ≫ 1: {result.RichSlope?.Slope.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"} (predicted 2/L = {rule.RichSlope:G3})");
        return result;
    }

    private static Command CreateCellCommand()
    {
        var job = new Option<string>("--job") { Description = "The cell's job file (cell and spec, JSON).", Required = true };
        var resultPath = new Option<string>("--result") { Description = "Where to write the result (atomically).", Required = true };
        var parent = new Option<int?>("--parent-pid") { Description = "Stop when this process is gone (the sweep was killed)." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads." };
        var command = new Command("cell", "Runs one sweep cell (used by the sweep's child processes).") { job, resultPath, parent, threads };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) =>
        {
            string jobPath = parse.GetValue(job)!;
            try
            {
                var cellJob = JsonSerializer.Deserialize<CellJob>(File.ReadAllText(jobPath), SweepJson.Compact)
                    ?? throw new InvalidDataException($"{jobPath} holds no cell job.");
                TorchRuntime.Configure(new RuntimeOptions { Threads = parse.GetValue(threads) });
                using var orphaned = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var watchdog = parse.GetValue(parent) is int pid ? WatchParent(pid, orphaned) : null;
                var result = FeatureStrengthCellRunner.Run(cellJob.Spec, cellJob.Cell, orphaned.Token);
                SweepStore.WriteAtomically(parse.GetValue(resultPath)!, JsonSerializer.Serialize(result, SweepJson.Compact));
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cell cancelled (the sweep stopped); nothing written.");
                return Task.FromResult(130);
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error in cell job {jobPath}: {ex.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static Timer WatchParent(int pid, CancellationTokenSource cancel) => new(_ =>
    {
        bool alive;
        try
        {
            using var process = Process.GetProcessById(pid);
            alive = !process.HasExited;
        }
        catch (ArgumentException)
        {
            alive = false;
        }
        if (!alive) cancel.Cancel();
    }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private sealed class ConsoleProgress : IProgress<SweepCellResult>
    {
        private readonly object _gate = new();
        private int _count;

        public void Report(SweepCellResult value)
        {
            lock (_gate)
            {
                _count++;
                string outcome = value.Diverged ? $"diverged at step {value.DivergenceStep}" : $"held-out loss {value.FinalTestLoss:G4}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{_count,4}] γ = {value.Cell.Gamma,-9:G4} η = {value.Cell.LearningRate,-10:G4} {outcome} ({value.WallSeconds:F2} s)"));
            }
        }
    }
}
