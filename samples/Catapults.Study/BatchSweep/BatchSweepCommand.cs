using Catapults.ML.Models;
using System.CommandLine;
using System.Globalization;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Spectre.Console;

namespace Catapults.Study.BatchSweep;

/// <summary>
/// The <c>batch-sweep</c> experiment (the default command): the same task and learning rate (below the full-batch
/// critical rate) trained with full-batch GD and mini-batch SGD of several batch sizes over several seeds; counts
/// catapults and compares AGOP alignment with the true AGOP against test loss.
/// </summary>
public static class BatchSweepCommand
{
    /// <summary>The sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("batch-sweep", "GD and SGD of several batch sizes at one η < η_crit(GD): catapults, AGOP alignment, test loss (the default).");
        Configure(command);
        return command;
    }

    /// <summary>Adds the options and action to <paramref name="command"/> (also used for the root command, which runs the sweep by default).</summary>
    public static void Configure(Command command)
    {
        var common = new CommonOptions();
        common.AddTo(command);
        var batches = new Option<string?>("--batch-sizes") { Description = "Comma-separated batch sizes; gd = n (default gd,50,10,5)." };
        var fraction = new Option<double?>("--rate-fraction") { Description = "η = fraction × η_crit(GD at init), the first wave's rule (default: the critical-rate rule, see the report)." };
        var rate = new Option<double?>("--learning-rate") { Description = "Fixed η (overrides both rules)." };
        var epochs = new Option<int?>("--epochs") { Description = "Budget of each mini-batch run in epochs (default 100; quick 30)." };
        var gdSteps = new Option<int?>("--gd-steps") { Description = "Step budget of full-batch GD, which trains to --target-loss (default 10000; quick 600)." };
        var steps = new Option<int?>("--max-steps") { Description = "Cap on the steps of every run (default: none)." };
        var target = new Option<double?>("--target-loss") { Description = "Convergence: stop at this full training loss (default 1e-3)." };
        var record = new Option<int?>("--record-every") { Description = "Steps between rows of steps.csv: full losses and λ_max of the probe set (default 10)." };
        var probe = new Option<int?>("--probe-size") { Description = "Samples in the probe set whose NTK λ_max is recorded (default 256; quick 128); a larger value than n takes the whole training set." };
        foreach (Option o in new Option[] { batches, fraction, rate, epochs, gdSteps, steps, target, record, probe }) command.Options.Add(o);

        command.SetAction(Cli.Guard((parse, ct) =>
        {
            bool quick = parse.GetValue(common.Quick);
            var preset = quick ? BatchSweepSettings.Quick : BatchSweepSettings.Default;
            var settings = preset with
            {
                BatchSizes = ParseBatchSizes(parse.GetValue(batches)) ?? preset.BatchSizes,
                RateFraction = parse.GetValue(fraction) ?? preset.RateFraction,
                Epochs = parse.GetValue(epochs) ?? preset.Epochs,
                GdMaxSteps = parse.GetValue(gdSteps) ?? preset.GdMaxSteps,
                MaxSteps = parse.GetValue(steps) ?? preset.MaxSteps,
                TargetLoss = parse.GetValue(target) ?? preset.TargetLoss,
                RecordEvery = parse.GetValue(record) ?? preset.RecordEvery,
                Seeds = common.SeedCount(parse, preset.Seeds),
            };
            if (settings.RateFraction is double f) Cli.PositiveRate(f, "--rate-fraction");
            if (parse.GetValue(rate) is double fixedRate) Cli.PositiveRate(fixedRate, "--learning-rate");
            if (settings.Epochs < 1) throw new ConfigurationException($"--epochs must be at least 1, got {settings.Epochs}.");
            if (settings.GdMaxSteps < 1) throw new ConfigurationException($"--gd-steps must be at least 1, got {settings.GdMaxSteps}.");
            if (settings.MaxSteps is < 1) throw new ConfigurationException($"--max-steps must be at least 1, got {settings.MaxSteps}.");
            if (!(settings.TargetLoss >= 0)) throw new ConfigurationException($"--target-loss must be non-negative, got {settings.TargetLoss}.");
            if (settings.RecordEvery < 1) throw new ConfigurationException($"--record-every must be at least 1, got {settings.RecordEvery}.");
            settings = settings with { CheckpointEvery = common.CheckpointEveryFor(parse, settings.RecordEvery, preset.CheckpointEvery) };
            var dataSettings = common.DataSettings(parse, settings.TrainCount, settings.TestCount);
            foreach (var b in settings.BatchSizes) if (b != 0) Cli.BatchSize(b, dataSettings.TrainCount);
            settings = settings with { ProbeCount = parse.GetValue(probe) ?? preset.ProbeCount };
            if (settings.ProbeCount < 1) throw new ConfigurationException($"--probe-size must be at least 1, got {settings.ProbeCount}.");
            int? threads = common.ConfigureThreads(parse);
            string output = common.OutputFor(parse, "batch-sweep");
            var network = common.NetworkFor(parse, settings.Width, settings.UseBias);
            return Run(settings, dataSettings, network, parse.GetValue(rate), output, parse.GetValue(common.Resume), threads, ct);
        }));
    }

    private static IReadOnlyList<int>? ParseBatchSizes(string? text)
    {
        if (text is null) return null;
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("gd", StringComparison.OrdinalIgnoreCase)) sizes.Add(0);
            else if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && b >= 1) sizes.Add(b);
            else throw new ConfigurationException($"--batch-sizes: '{part}' is not a positive integer or 'gd'.");
        }
        if (sizes.Count == 0) throw new ConfigurationException("--batch-sizes is empty.");
        return sizes;
    }

    /// <summary>Runs the sweep and writes its report; returns the exit code.</summary>
    public static int Run(BatchSweepSettings settings, DataSettings dataSettings, NetworkDescription network, double? fixedRate,
        string output, bool resume, int? threads, CancellationToken ct)
    {
        using var data = StudyData.Load(dataSettings);
        int n = data.Train.Count;
        // Every run is checked against the data as loaded (n can shrink, e.g. by class balancing) before anything
        // is measured or written; the learning rate is filled in once it is known.
        var plan = (from b in settings.BatchSizes.Select(b => b == 0 ? n : b)
                    from s in Enumerable.Range(0, settings.Seeds)
                    select Config(settings, dataSettings, network, 1.0, b, n, s, ProbeIndices.Draw(n, Math.Min(settings.ProbeCount, n), s), threads)).ToList();
        RunExecutor.ValidatePlan(plan, data);
        var batchSizes = plan.Select(c => c.BatchSize).Distinct().OrderByDescending(b => b).ToList();
        if (fixedRate is null && settings.RateFraction is null && batchSizes.All(b => b >= n))
            throw new ConfigurationException($"--batch-sizes has no mini-batch size below n = {n}, so the critical-rate rule has no batches to place η above; give --rate-fraction or --learning-rate.");
        Directory.CreateDirectory(output);

        // One η for every run, placed by the critical rates of the seed-0 network at initialisation.
        LearningRateChoice rate;
        using (var model = RunExecutor.CreateModel(plan[0] with { Seed = 0 }, data))
        {
            // The full batch is always surveyed (its one rate anchors every rule), whether or not GD is in the sweep.
            var surveys = batchSizes.Append(n).Distinct().Select(b => BatchCriticalRates.Measure(model, data.Train, b, 0)).ToList();
            rate = LearningRateChoice.Choose(surveys.Single(s => s.BatchSize == n).Rates[0], surveys, settings.RateFraction, fixedRate);
        }
        Console.WriteLine($"batch-sweep: {data.Name}, n = {n}, {network.Describe()}; η_crit(GD, init) = {rate.GdCriticalRate:G4}, η = {rate.LearningRate:G4} ({rate.Rule}); " +
                          $"batch sizes {string.Join(", ", batchSizes.Select(b => b == n ? "GD" : b.ToString(CultureInfo.InvariantCulture)))}; {settings.Seeds} seeds; " +
                          $"until train loss ≤ {settings.TargetLoss:G3}, or {settings.Epochs} epochs (GD: {settings.GdMaxSteps} steps)");
        foreach (var s in rate.Surveys.Where(s => s.BatchSize < n))
            Console.WriteLine($"  b = {s.BatchSize}: batch η_crit median {s.Median:G4}, 5th percentile {s.Percentile5:G4}; η above it for {s.ShareBelow(rate.LearningRate):P0} of the first epoch's batches");

        var configs = plan.OrderByDescending(c => c.BatchSize).ThenBy(c => c.Seed).Select(c => c.WithLearningRate(rate.LearningRate)).ToList();
        var runs = StudyProgress.Run(configs.Select(c => new StudyProgress.Item(c.Label, c.MaxSteps)).ToList(),
            (i, progress) =>
            {
                var config = configs[i];
                using var probe = data.Train.Subset(config.ProbeIndices, "probe");
                return RunExecutor.Run(config, data, Path.Combine(output, "runs", config.Label), resume,
                    new RunHooks { Probes = new IStepProbe[] { new CriticalRateProbe(probe.Features) }, SharpnessColumn = "lambda_max", Progress = progress }, ct);
            },
            r => $"{r.Summary.Outcome} after {r.Summary.Steps} steps, {r.Summary.Catapults} catapults of {r.Summary.Spikes} spikes, test loss {r.Summary.TestLoss:G4}, alignment {r.Summary.AgopAlignment:F3} ({r.Summary.WallSeconds:F1} s)");

        BatchSweepReport.Write(output, settings, data, network, rate, runs);
        return 0;
    }

    private static RunConfig Config(BatchSweepSettings s, DataSettings data, NetworkDescription network, double eta, int batch, int n, int seed, IReadOnlyList<long> probe, int? threads) => new()
    {
        Experiment = "batch-sweep",
        Label = $"{(batch >= n ? "gd" : "b" + batch)}-seed{seed}",
        Data = data,
        Network = network,
        Training = RunConfig.TrainingFor(eta, batch, s.BudgetFor(batch, n), seed, s.RecordEvery, s.TargetLoss),
        Seed = seed,
        RecordEvery = s.RecordEvery,
        CheckpointEvery = s.CheckpointEvery,
        ProbeIndices = probe,
        Threads = threads,
    };
}
