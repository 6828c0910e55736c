using Catapults.ML.Models;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.BatchSweep;

/// <summary>
/// The <c>batch-sweep</c> experiment (the default command): the same task and learning rate (below the full-batch
/// critical rate) trained with full-batch GD and mini-batch SGD of several batch sizes over several seeds; counts
/// catapults and compares AGOP alignment with the true AGOP against test loss. One cell per batch size and seed; the
/// plan measures the learning rate once, at initialisation, and every cell carries it.
/// </summary>
public sealed class BatchSweepCommand : RunCellExperiment<RunOutcome>
{
    private readonly SettingTextOption<BatchSweepSettings> _batches = new("--batch-sizes", (s, v) => s with { BatchSizes = ParseBatchSizes(v) }) { Description = "Comma-separated batch sizes; gd = n (default gd,50,10,5)." };
    private readonly SettingOption<BatchSweepSettings, double> _fraction = new("--rate-fraction", (s, v) => s with { RateFraction = v }) { Description = "η = fraction × η_crit(GD at init), the first wave's rule (default: the critical-rate rule, see the report)." };
    private readonly Option<double?> _rate = new("--learning-rate") { Description = "Fixed η (overrides both rules)." };
    private readonly SettingOption<BatchSweepSettings, int> _epochs = new("--epochs", (s, v) => s with { Epochs = v }) { Description = "Budget of each mini-batch run in epochs (default 100; quick 30)." };
    private readonly SettingOption<BatchSweepSettings, int> _gdSteps = new("--gd-steps", (s, v) => s with { GdMaxSteps = v }) { Description = "Step budget of full-batch GD, which trains to --target-loss (default 10000; quick 600)." };
    private readonly SettingOption<BatchSweepSettings, int> _steps = new("--max-steps", (s, v) => s with { MaxSteps = v }) { Description = "Cap on the steps of every run (default: none)." };
    private readonly SettingOption<BatchSweepSettings, double> _target = new("--target-loss", (s, v) => s with { TargetLoss = v }) { Description = "Convergence: stop at this full training loss (default 1e-3)." };
    private readonly SettingOption<BatchSweepSettings, int> _record = new("--record-every", (s, v) => s with { RecordEvery = v }) { Description = "Steps between rows of steps.csv: full losses and λ_max of the probe set; at most half of the shortest run's budget (default 10)." };
    private readonly SettingOption<BatchSweepSettings, int> _probe = new("--probe-size", (s, v) => s with { ProbeCount = v }) { Description = "Samples in the probe set whose NTK λ_max is recorded (default 256; quick 128); a larger value than n takes the whole training set." };

    /// <summary>What the merge needs beyond the cells: the options as resolved, and the measured learning rate.</summary>
    /// <param name="Settings">The sweep's settings.</param>
    /// <param name="Data">The data.</param>
    /// <param name="Network">The network.</param>
    /// <param name="Rate">The learning rate and the critical rates it was placed by.</param>
    public sealed record PlanSettings(BatchSweepSettings Settings, DataSettings Data, NetworkDescription Network, LearningRateChoice Rate);

    /// <inheritdoc />
    public override string Name => "batch-sweep";

    /// <inheritdoc />
    protected override bool? DefaultBias => BatchSweepSettings.Default.UseBias;

    /// <inheritdoc />
    public override string Description => "GD and SGD of several batch sizes at one η < η_crit(GD): catapults, AGOP alignment, test loss (the default).";

    /// <summary>The sub-command.</summary>
    public static Command Create() => CellCommands.Experiment(new BatchSweepCommand());

    /// <summary>Adds the options and action to <paramref name="command"/> (also used for the root command, which runs the sweep by default).</summary>
    public static void Configure(Command command) => CellCommands.ConfigureExperiment(command, new BatchSweepCommand());

    /// <inheritdoc />
    protected override void AddExperimentOptions(Command command)
    {
        foreach (Option o in new Option[] { _batches, _fraction, _rate, _epochs, _gdSteps, _steps, _target, _record, _probe }) command.Options.Add(o);
    }

    /// <inheritdoc />
    public override CellPlan Plan(ParseResult parse, CancellationToken ct)
    {
        bool quick = parse.GetValue(Common.Quick);
        var preset = quick ? BatchSweepSettings.Quick : BatchSweepSettings.Default;
        var settings = parse.ApplySettingOptions(preset) with { Seeds = SeedCount(parse) };
        if (settings.RateFraction is double f) Cli.PositiveRate(f, "--rate-fraction");
        if (parse.GetValue(_rate) is double fixedRate) Cli.PositiveRate(fixedRate, "--learning-rate");
        if (settings.Epochs < 1) throw new ConfigurationException($"--epochs must be at least 1, got {settings.Epochs}.");
        if (settings.GdMaxSteps < 1) throw new ConfigurationException($"--gd-steps must be at least 1, got {settings.GdMaxSteps}.");
        if (settings.MaxSteps is < 1) throw new ConfigurationException($"--max-steps must be at least 1, got {settings.MaxSteps}.");
        if (!(settings.TargetLoss >= 0)) throw new ConfigurationException($"--target-loss must be non-negative, got {settings.TargetLoss}.");
        if (settings.RecordEvery < 1) throw new ConfigurationException($"--record-every must be at least 1, got {settings.RecordEvery}.");
        settings = settings with { CheckpointEvery = Common.CheckpointEveryFor(parse, settings.RecordEvery, preset.CheckpointEvery) };
        var dataSettings = Common.DataSettings(parse, settings.TrainCount, settings.TestCount);
        foreach (var b in settings.BatchSizes) if (b != 0) Cli.BatchSize(b, dataSettings.TrainCount);
        if (settings.ProbeCount < 1) throw new ConfigurationException($"--probe-size must be at least 1, got {settings.ProbeCount}.");
        int? threads = Common.ConfigureThreads(parse);
        var network = Common.NetworkFor(parse, settings.Width, settings.UseBias);
        return Plan(settings, dataSettings, network, parse.GetValue(_rate), threads);
    }

    private static IReadOnlyList<int> ParseBatchSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in Cli.ListEntries(text, "--batch-sizes"))
        {
            if (part.Equals("gd", StringComparison.OrdinalIgnoreCase)) sizes.Add(0);
            else if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && b >= 1) sizes.Add(b);
            else throw new ConfigurationException($"--batch-sizes: '{part}' is not a positive integer or 'gd'.");
        }
        return sizes;
    }

    /// <summary>
    /// The plan: every run (batch size × seed) checked against the data as loaded, the one η measured at
    /// initialisation (seed 0) and written into every cell's configuration.
    /// </summary>
    public static CellPlan Plan(BatchSweepSettings settings, DataSettings dataSettings, NetworkDescription network, double? fixedRate, int? threads)
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
        int shortest = batchSizes.MinBy(b => settings.BudgetFor(b, n));
        Cli.RecordEvery(settings.RecordEvery, settings.BudgetFor(shortest, n), $"the shortest run's budget (b = {(shortest == n ? "GD" : shortest.ToString(CultureInfo.InvariantCulture))})");
        if (fixedRate is null && settings.RateFraction is null && batchSizes.All(b => b >= n))
            throw new ConfigurationException($"--batch-sizes has no mini-batch size below n = {n}, so the critical-rate rule has no batches to place η above; give --rate-fraction or --learning-rate.");

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

        var configs = plan.OrderByDescending(c => c.BatchSize).ThenBy(c => c.Seed).Select(c => c.WithLearningRate(rate.LearningRate));
        return CellPlan.Create("batch-sweep", threads, new PlanSettings(settings, dataSettings, network, rate), configs.Select(c => (c.Label, c)));
    }

    /// <inheritdoc />
    public override int DefaultJobs(CellPlan plan) =>
        plan.SettingsAs<PlanSettings>().Settings.CellsOnEveryCore ? plan.JobsOnEveryCore() : 1;

    /// <inheritdoc />
    public override string DefaultJobsText => $"{ICellExperiment.OnEveryCore}; under --quick {ICellExperiment.OneAfterAnother}";

    /// <inheritdoc />
    protected override (int Default, int Quick) DefaultSeeds => (BatchSweepSettings.Default.Seeds, BatchSweepSettings.Quick.Seeds);

    /// <inheritdoc />
    protected override IReadOnlyList<string> StepColumnNames(RunConfig config) => StepColumns.CriticalRateNames;

    /// <inheritdoc />
    protected override RunOutcome Execute(CellPlan plan, RunConfig config, StudyData data, string folder, Action<int> progress, CancellationToken ct)
    {
        using var probe = data.Train.Subset(config.ProbeIndices, "probe");
        using var criticalRate = StepColumns.CriticalRate(probe.Features, config.RecordEvery);
        return RunExecutor.Run(config, data, folder, resume: true,
            new RunHooks { Columns = new[] { criticalRate }, SharpnessColumn = "lambda_max", Progress = progress }, ct);
    }

    /// <inheritdoc />
    protected override string Describe(RunOutcome r) =>
        $"{r.Summary.Outcome} after {r.Summary.Steps} step{(r.Summary.Steps == 1 ? "" : "s")}, {r.Summary.Catapults} catapults of {r.Summary.Spikes} spikes, {r.Summary.LossesOrDivergence(withAlignment: true)} ({r.Summary.WallSeconds:F1} s)";

    /// <inheritdoc />
    protected override void Report(CellPlan plan, string directory, StudyData data, IReadOnlyList<RunOutcome> results)
    {
        var s = plan.SettingsAs<PlanSettings>();
        BatchSweepReport.Write(directory, s.Settings, data, s.Network, s.Rate, results);
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
