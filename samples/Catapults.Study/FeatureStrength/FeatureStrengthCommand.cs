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
        var quick = new Option<bool>("--quick") { Description = "Small preset: 9 γ in 10^-2..10^2, width 64, 300 steps." };
        var output = new Option<string?>("--out") { Description = "Sweep directory (default runs/feature-strength or runs/feature-strength-quick). A rerun resumes it." };
        var parallel = new Option<int?>("--parallel") { Description = "Cells run at once, each in its own process (default: the number of cores)." };
        var task = new Option<string?>("--task") { Description = "Synthetic target: rank2 (x1 x2) or rank4 (x1 + x1x2 + x1x2x3 + x1x2x3x4)." };
        task.AcceptOnlyFromAmong("rank2", "rank4");
        var dimension = new Option<int?>("--input-dimension") { Description = "Input dimension d (default 16)." };
        var width = new Option<int?>("--width") { Description = "Hidden width N (default 128; quick 64)." };
        var hidden = new Option<int?>("--hidden-layers") { Description = "Hidden layers; depth L = hidden layers + 1 (default 1)." };
        var steps = new Option<int?>("--steps") { Description = "Online SGD steps per cell (default 1000; quick 300)." };
        var batch = new Option<int?>("--batch-size") { Description = "Fresh samples per step (default 32)." };
        var gammaMin = new Option<double?>("--gamma-min") { Description = "Smallest γ (default 1e-3; quick 1e-2)." };
        var gammaMax = new Option<double?>("--gamma-max") { Description = "Largest γ (default 1e3; quick 1e2)." };
        var perDecade = new Option<int?>("--gammas-per-decade") { Description = "γ grid density (default 2)." };
        var spacing = new Option<double?>("--eta-spacing") { Description = "η lattice spacing in decades (default 0.25)." };
        var below = new Option<double?>("--decades-below") { Description = "Decades scanned below the first stable η (default 1)." };
        var exclude = new Option<double?>("--fit-exclude-decades") { Description = "Crossover band |log10 γ| < c left out of the slope fits (default 1)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of initialisation, online stream and held-out set (default 0)." };

        var command = new Command("feature-strength",
            "γ–η sweep of centred mean-field networks trained online: heat map, η*(γ) slopes against 2 and 2/L, loss curves.")
        {
            quick, output, parallel, task, dimension, width, hidden, steps, batch, gammaMin, gammaMax, perDecade, spacing, below, exclude, seed,
        };
        command.Subcommands.Add(CreateCellCommand());
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool isQuick = parse.GetValue(quick);
            var preset = isQuick ? FeatureStrengthSettings.Quick : FeatureStrengthSettings.Default;
            var settings = preset with
            {
                Task = parse.GetValue(task) switch { "rank4" => SyntheticTaskKind.Rank4, "rank2" => SyntheticTaskKind.Rank2, _ => preset.Task },
                InputDimension = parse.GetValue(dimension) ?? preset.InputDimension,
                Width = parse.GetValue(width) ?? preset.Width,
                HiddenLayers = parse.GetValue(hidden) ?? preset.HiddenLayers,
                Steps = parse.GetValue(steps) ?? preset.Steps,
                BatchSize = parse.GetValue(batch) ?? preset.BatchSize,
                GammaMin = parse.GetValue(gammaMin) ?? preset.GammaMin,
                GammaMax = parse.GetValue(gammaMax) ?? preset.GammaMax,
                GammasPerDecade = parse.GetValue(perDecade) ?? preset.GammasPerDecade,
                LevelSpacingDecades = parse.GetValue(spacing) ?? preset.LevelSpacingDecades,
                DecadesBelowFirstStable = parse.GetValue(below) ?? preset.DecadesBelowFirstStable,
                SlopeFitExclusionDecades = parse.GetValue(exclude) ?? preset.SlopeFitExclusionDecades,
                Seed = parse.GetValue(seed) ?? preset.Seed,
            };
            int processes = parse.GetValue(parallel) ?? Environment.ProcessorCount;
            string directory = parse.GetValue(output) ?? Path.Combine("runs", isQuick ? "feature-strength-quick" : "feature-strength");
            try
            {
                settings.Validate();
                // Each cell is a process of its own: more of them than cores only contend for the CPUs.
                if (processes < 1 || processes > Environment.ProcessorCount)
                    throw new ArgumentException($"--parallel must be in 1..{Environment.ProcessorCount} (the cores of this machine), got {processes}.");
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message);
                return 2;
            }
            try
            {
                Infrastructure.OutputFolder.Check(directory);
                return await RunSweepAsync(settings, directory, processes, cancellationToken).ConfigureAwait(false);
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

    private static async Task<int> RunSweepAsync(FeatureStrengthSettings settings, string directory, int processes, CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureLoaded();
        SweepStore store;
        try
        {
            store = SweepStore.Open(directory, settings.Manifest());
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 2;
        }
        var template = settings.CellTemplate();
        var options = settings.SweepOptions(processes);
        string jobs = Path.Combine(store.Directory, "jobs");
        Directory.CreateDirectory(jobs);
        var (program, leading) = SelfInvocation.Current();
        string parentId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var executor = new ChildProcessCellExecutor(program, cell =>
        {
            string job = Path.Combine(jobs, cell.Id + ".json");
            SweepStore.WriteAtomically(job, JsonSerializer.Serialize(new CellJob(cell, template.At(cell.Gamma, cell.LearningRate)), SweepJson.Indented));
            return leading.Concat(new[]
            {
                "feature-strength", "cell", "--job", job, "--result", store.ResultPath(cell), "--parent-pid", parentId, "--threads", "1",
            }).ToList();
        }, store);

        Console.WriteLine($"feature-strength sweep → {store.Directory}");
        Console.WriteLine($"  {settings.Gammas().Length} γ in [{settings.GammaMin:G3}, {settings.GammaMax:G3}], width {settings.Width}, depth {settings.Depth}, " +
                          $"{settings.Steps} steps of {settings.BatchSize}, {processes} process(es)");
        var clock = Stopwatch.StartNew();
        SweepResult result;
        try
        {
            result = await FeatureStrengthSweep.RunAsync(options, executor, store, new ConsoleProgress(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: finished cells are kept; rerun the same command to resume.");
            return 130;
        }
        catch (SweepCellFailedException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
        var files = FeatureStrengthOutputs.Write(store.Directory, settings, result, processes);
        var rule = template.Scaling();
        Console.WriteLine($"{result.Cells.Count} cells ({result.ExecutedCells} run, {result.ReusedCells} reused) in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  slope of log η* vs log γ, γ ≪ 1: {result.LazySlope?.Slope.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"} (predicted 2)");
        Console.WriteLine($"  slope of log η* vs log γ, γ ≫ 1: {result.RichSlope?.Slope.ToString("F2", CultureInfo.InvariantCulture) ?? "n/a"} (predicted 2/L = {rule.RichSlope:G3})");
        Console.WriteLine($"  wrote {string.Join(", ", files)}");
        return 0;
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
