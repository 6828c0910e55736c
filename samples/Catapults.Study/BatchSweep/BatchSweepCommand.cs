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
        var fraction = new Option<double?>("--rate-fraction") { Description = "η = fraction × η_crit of the full batch at initialisation (default 0.9)." };
        var rate = new Option<double?>("--learning-rate") { Description = "Fixed η (overrides --rate-fraction)." };
        var steps = new Option<int?>("--max-steps") { Description = "Step budget per run (default 3000; quick 400)." };
        var target = new Option<double?>("--target-loss") { Description = "Stop at this full training loss (default 1e-3)." };
        var record = new Option<int?>("--record-every") { Description = "Steps between rows of steps.csv (default 10)." };
        foreach (Option o in new Option[] { batches, fraction, rate, steps, target, record }) command.Options.Add(o);

        command.SetAction(Cli.Guard((parse, ct) =>
        {
            bool quick = parse.GetValue(common.Quick);
            var preset = quick ? BatchSweepSettings.Quick : BatchSweepSettings.Default;
            var settings = preset with
            {
                BatchSizes = ParseBatchSizes(parse.GetValue(batches)) ?? preset.BatchSizes,
                RateFraction = parse.GetValue(fraction) ?? preset.RateFraction,
                MaxSteps = parse.GetValue(steps) ?? preset.MaxSteps,
                TargetLoss = parse.GetValue(target) ?? preset.TargetLoss,
                RecordEvery = parse.GetValue(record) ?? preset.RecordEvery,
                Seeds = common.SeedCount(parse, preset.Seeds),
            };
            Cli.PositiveRate(settings.RateFraction, "--rate-fraction");
            if (parse.GetValue(rate) is double fixedRate) Cli.PositiveRate(fixedRate, "--learning-rate");
            if (settings.MaxSteps < 1) throw new ConfigurationException($"--max-steps must be at least 1, got {settings.MaxSteps}.");
            if (!(settings.TargetLoss >= 0)) throw new ConfigurationException($"--target-loss must be non-negative, got {settings.TargetLoss}.");
            if (settings.RecordEvery < 1) throw new ConfigurationException($"--record-every must be at least 1, got {settings.RecordEvery}.");
            settings = settings with { CheckpointEvery = common.CheckpointEveryFor(parse, settings.RecordEvery, preset.CheckpointEvery) };
            var dataSettings = common.DataSettings(parse, settings.TrainCount, settings.TestCount);
            foreach (var b in settings.BatchSizes) if (b != 0) Cli.BatchSize(b, dataSettings.TrainCount);
            int? threads = common.ConfigureThreads(parse);
            string output = common.OutputFor(parse, "batch-sweep");
            return Run(settings, dataSettings, common.NetworkFor(parse, settings.Width), parse.GetValue(rate),
                output, parse.GetValue(common.Resume), threads, ct);
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
    public static int Run(BatchSweepSettings settings, DataSettings dataSettings, NetworkChoice network, double? fixedRate,
        string output, bool resume, int? threads, CancellationToken ct)
    {
        using var data = StudyData.Load(dataSettings);
        int n = data.Train.Count;
        Directory.CreateDirectory(output);

        // One η for every run: a fraction of the full-batch critical rate of the seed-0 network at initialisation.
        var probeConfig = Config(settings, dataSettings, network, 1.0, n, 0, threads);
        double etaCrit;
        using (var model = RunExecutor.CreateModel(probeConfig, data))
            etaCrit = CriticalLearningRate.Compute(model, data.Train.Features, LossKind.MeanSquaredError).Value;
        double eta = fixedRate ?? settings.RateFraction * etaCrit;
        Console.WriteLine($"batch-sweep: {data.Name}, n = {n}, {network.Describe()}; η_crit(GD, init) = {etaCrit:G4}, η = {eta:G4}; " +
                          $"batch sizes {string.Join(", ", settings.BatchSizes.Select(b => b == 0 ? "GD" : b.ToString()))}; {settings.Seeds} seeds; " +
                          $"until train loss ≤ {settings.TargetLoss:G3} or {settings.MaxSteps} steps");

        var configs = (from b in settings.BatchSizes from s in Enumerable.Range(0, settings.Seeds)
                       select Config(settings, dataSettings, network, eta, b == 0 ? n : b, s, threads)).ToList();
        RunExecutor.ValidatePlan(configs, data);
        var runs = StudyProgress.Run(configs.Select(c => new StudyProgress.Item(c.Label, c.MaxSteps)).ToList(),
            (i, progress) => RunExecutor.Run(configs[i], data, Path.Combine(output, "runs", configs[i].Label), resume, new RunHooks { Progress = progress }, ct),
            r => $"{r.Summary.Outcome} after {r.Summary.Steps} steps, {r.Summary.Catapults} catapults, test loss {r.Summary.TestLoss:G4}, alignment {r.Summary.AgopAlignment:F3} ({r.Summary.WallSeconds:F1} s)");

        BatchSweepReport.Write(output, settings, data, network, etaCrit, eta, runs);
        return 0;
    }

    private static RunConfig Config(BatchSweepSettings s, DataSettings data, NetworkChoice network, double eta, int batch, int seed, int? threads) => new()
    {
        Experiment = "batch-sweep",
        Label = $"{(batch == data.TrainCount ? "gd" : "b" + batch)}-seed{seed}",
        Data = data,
        Architecture = network.Architecture,
        Width = network.Width,
        UseBias = network.UseBias,
        LearningRate = eta,
        BatchSize = batch,
        MaxSteps = s.MaxSteps,
        TargetLoss = s.TargetLoss,
        Seed = seed,
        RecordEvery = s.RecordEvery,
        CheckpointEvery = s.CheckpointEvery,
        Threads = threads,
    };
}
