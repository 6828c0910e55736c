using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.OptimizerComparison;

/// <summary>
/// The <c>optimizers</c> experiment: SGD, SGD with momentum, Adam, RMSprop and Adagrad on the same task and batch
/// size, two learning rates each, several seeds; AGOP alignment against test performance and their correlation.
/// </summary>
public sealed class OptimizersCommand : RunCellExperiment<RunOutcome>
{
    /// <summary>Learning rates per optimiser: SGD and momentum as fractions of η_crit(GD, init) (momentum divided by 1/(1−β) = 10), the adaptive ones absolute.</summary>
    public static readonly IReadOnlyList<(OptimizerKind Kind, double[] Rates, bool RelativeToCritical)> Grid = new[]
    {
        (OptimizerKind.Sgd, new[] { 0.3, 0.9 }, true),
        (OptimizerKind.Momentum, new[] { 0.03, 0.09 }, true),
        (OptimizerKind.Adam, new[] { 3e-4, 1e-3 }, false),
        (OptimizerKind.RmsProp, new[] { 3e-4, 1e-3 }, false),
        (OptimizerKind.Adagrad, new[] { 1e-2, 3e-2 }, false),
    };

    private readonly Option<int?> _batch = new("--batch-size") { Description = "Batch size b (default 50)." };
    private readonly Option<int?> _steps = new("--steps") { Description = "Steps per run (default 1500; quick 300)." };
    private readonly Option<int?> _record = new("--record-every") { Description = "Steps between rows of steps.csv, at most half of --steps (default 25)." };

    /// <summary>What the report needs beyond the runs.</summary>
    /// <param name="CriticalRate">η_crit(GD) of the seed-0 network at initialisation.</param>
    public sealed record PlanSettings(double CriticalRate);

    /// <inheritdoc />
    public override string Name => "optimizers";

    /// <inheritdoc />
    public override string Description => "SGD, momentum, Adam, RMSprop and Adagrad on one task: AGOP alignment against test performance.";

    /// <summary>The sub-command.</summary>
    public static Command Create() => CellCommands.Experiment(new OptimizersCommand());

    /// <inheritdoc />
    protected override void AddExperimentOptions(Command command)
    {
        foreach (Option o in new Option[] { _batch, _steps, _record }) command.Options.Add(o);
    }

    /// <inheritdoc />
    protected override (int Default, int Quick) DefaultSeeds => (2, 1);

    /// <inheritdoc />
    public override CellPlan Plan(ParseResult parse, CancellationToken ct)
    {
        bool quick = parse.GetValue(Common.Quick);
        var dataSettings = Common.DataSettings(parse, quick ? 500 : 2000, quick ? 500 : 1000);
        int b = Cli.BatchSize(parse.GetValue(_batch) ?? 50, dataSettings.TrainCount, "--batch-size");
        int maxSteps = parse.GetValue(_steps) ?? (quick ? 300 : 1500);
        int recordEvery = parse.GetValue(_record) ?? 25;
        if (maxSteps < 1) throw new ConfigurationException($"--steps must be at least 1, got {maxSteps}.");
        Cli.RecordEvery(recordEvery, maxSteps, "the run's --steps");
        int checkpointEvery = Common.CheckpointEveryFor(parse, recordEvery, recordEvery * 20);
        int seeds = SeedCount(parse);
        int? threads = Common.ConfigureThreads(parse);
        var network = Common.NetworkFor(parse, quick ? CommonOptions.QuickWidth : null);

        using var data = StudyData.Load(dataSettings);
        RunConfig Config(OptimizerKind kind, double rate, int seed) => new()
        {
            Experiment = "optimizers", Label = $"{kind.ToString().ToLowerInvariant()}-lr{rate.ToString("G3", CultureInfo.InvariantCulture)}-seed{seed}",
            Data = dataSettings, Network = network, Training = RunConfig.TrainingFor(rate, b, maxSteps, seed, recordEvery, optimizer: kind), Seed = seed,
            RecordEvery = recordEvery, CheckpointEvery = checkpointEvery, Threads = threads,
        };
        double etaCrit;
        using (var model = RunExecutor.CreateModel(Config(OptimizerKind.Sgd, 1, 0), data))
            etaCrit = CriticalLearningRate.Compute(model, data.Train.Features).Value;
        var configs = (from g in Grid from r in g.Rates from s in Enumerable.Range(0, seeds)
                       select Config(g.Kind, g.RelativeToCritical ? r * etaCrit : r, s)).ToList();
        RunExecutor.ValidatePlan(configs, data);
        Console.WriteLine($"optimizers: {data.Name}, n = {data.Train.Count}, b = {b}, {maxSteps} steps, η_crit(GD, init) = {etaCrit:G4}; {configs.Count} runs");
        return CellPlan.Create(Name, threads, new PlanSettings(etaCrit), configs.Select(c => (c.Label, c)));
    }

    /// <inheritdoc />
    protected override RunOutcome Execute(CellPlan plan, RunConfig config, StudyData data, string folder, Action<int> progress, CancellationToken ct) =>
        RunExecutor.Run(config, data, folder, resume: true, new RunHooks { Progress = progress }, ct);

    /// <inheritdoc />
    protected override string Describe(RunOutcome r) => $"{r.Summary.Outcome}, {r.Summary.LossesOrDivergence(withAlignment: true)}";

    /// <inheritdoc />
    protected override void Report(CellPlan plan, string directory, StudyData data, IReadOnlyList<RunOutcome> results) =>
        OptimizersReport.Write(directory, data, results.ToList(), plan.SettingsAs<PlanSettings>().CriticalRate);
}
