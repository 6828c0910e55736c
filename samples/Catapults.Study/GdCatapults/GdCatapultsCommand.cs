using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.GdCatapults;

/// <summary>
/// The <c>gd-catapults</c> experiment: full-batch GD whose learning rate is raised every few hundred steps to
/// <c>factor × η_crit</c> at that moment (so each raise is above the current critical rate and starts a catapult);
/// plots loss, λ_max(K) and η_crit with the catapults marked, and reports test loss and AGOP alignment after each.
/// </summary>
public sealed class GdCatapultsCommand : RunCellExperiment<(RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises)>
{
    private readonly Option<int?> _raises = new("--raises") { Description = "Number of learning-rate raises (default 2)." };
    private readonly Option<int?> _phase = new("--phase-steps") { Description = "Steps between raises (default 300; quick 120)." };
    private readonly Option<double?> _factor = new("--raise-factor") { Description = "Each raise sets η = factor × η_crit at that step (default 1.1; must be > 1; the NTK of the ReLU net cannot drop below about n, so η above about 1 diverges)." };
    private readonly Option<double?> _initial = new("--initial-fraction") { Description = "η at the start as a fraction of η_crit at init (default 0.5)." };
    private readonly Option<int?> _record = new("--record-every") { Description = "Steps between rows (losses, λ_max, η_crit, alignment), at most half of --phase-steps (default 5)." };

    /// <summary>The raises, shared by every cell (each cell's own η₀ is its configuration's learning rate).</summary>
    /// <param name="Raises">Number of raises.</param>
    /// <param name="PhaseSteps">Steps between raises.</param>
    /// <param name="RaiseFactor">Each raise sets η = factor × η_crit.</param>
    public sealed record PlanSettings(int Raises, int PhaseSteps, double RaiseFactor);

    /// <inheritdoc />
    public override string Name => "gd-catapults";

    /// <inheritdoc />
    public override string Description => "Full-batch GD with the learning rate raised above η_crit in steps: multiple catapults.";

    /// <summary>The sub-command.</summary>
    public static Command Create() => CellCommands.Experiment(new GdCatapultsCommand());

    /// <inheritdoc />
    protected override void AddExperimentOptions(Command command)
    {
        foreach (Option o in new Option[] { _raises, _phase, _factor, _initial, _record }) command.Options.Add(o);
    }

    /// <inheritdoc />
    public override CellPlan Plan(ParseResult parse, CancellationToken ct)
    {
        bool quick = parse.GetValue(Common.Quick);
        int raiseCount = parse.GetValue(_raises) ?? 2;
        int phaseSteps = parse.GetValue(_phase) ?? (quick ? 120 : 300);
        double raiseFactor = parse.GetValue(_factor) ?? 1.1;
        double initialFraction = parse.GetValue(_initial) ?? 0.5;
        int recordEvery = parse.GetValue(_record) ?? 5;
        if (raiseCount < 1) throw new ConfigurationException($"--raises must be at least 1, got {raiseCount}.");
        if (phaseSteps < 2) throw new ConfigurationException($"--phase-steps must be at least 2, got {phaseSteps}.");
        if ((long)phaseSteps * (raiseCount + 2L) > int.MaxValue)
            throw new ConfigurationException($"--phase-steps {phaseSteps} × (--raises {raiseCount} + 2) steps is more than a run can count ({int.MaxValue}).");
        if (!(raiseFactor > 1) || !double.IsFinite(raiseFactor)) throw new ConfigurationException($"--raise-factor must be above 1, got {raiseFactor}.");
        Cli.PositiveRate(raiseFactor, "--raise-factor");
        Cli.PositiveRate(initialFraction, "--initial-fraction");
        // The experiment raises the rate above η_crit from below it; a start above it catapults (or diverges) before any
        // raise, and the report would describe a run it did not make.
        if (!(initialFraction < 1)) throw new ConfigurationException($"--initial-fraction must be below 1 (the rate starts below η_crit), got {initialFraction.ToString(CultureInfo.InvariantCulture)}.");
        // Each phase holds its own catapult, so each needs its own records.
        Cli.RecordEvery(recordEvery, phaseSteps, "a phase (--phase-steps)");
        int checkpointEvery = Common.CheckpointEveryFor(parse, recordEvery, recordEvery * 20);
        var dataSettings = Common.DataSettings(parse, quick ? 256 : 1000, quick ? 500 : 1000);
        int seeds = SeedCount(parse);
        int? threads = Common.ConfigureThreads(parse);
        var network = Common.NetworkFor(parse, quick ? CommonOptions.QuickWidth : null);

        using var data = StudyData.Load(dataSettings);
        var configs = new List<RunConfig>();
        for (int seed = 0; seed < seeds; seed++)
        {
            var config = new RunConfig
            {
                Experiment = "gd-catapults", Label = $"gd-seed{seed}", Data = dataSettings, Network = network,
                Training = RunConfig.TrainingFor(1, data.Train.Count, phaseSteps * (raiseCount + 2), seed, recordEvery), Seed = seed,
                RecordEvery = recordEvery, CheckpointEvery = checkpointEvery, Threads = threads,
                ExperimentOptions = new Dictionary<string, string>
                {
                    ["--raises"] = raiseCount.ToString(CultureInfo.InvariantCulture),
                    ["--phase-steps"] = phaseSteps.ToString(CultureInfo.InvariantCulture),
                    ["--raise-factor"] = raiseFactor.ToString("R", CultureInfo.InvariantCulture),
                    ["--initial-fraction"] = initialFraction.ToString("R", CultureInfo.InvariantCulture),
                },
            };
            // η₀ from the seed's own network at initialisation, fixed in the plan.
            using (var model = RunExecutor.CreateModel(config, data))
                configs.Add(config.WithLearningRate(initialFraction * CriticalLearningRate.Compute(model, data.Train.Features).Value));
        }
        RunExecutor.ValidatePlan(configs, data);
        return CellPlan.Create(Name, threads, new PlanSettings(raiseCount, phaseSteps, raiseFactor), configs.Select(c => (c.Label, c)));
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> StepColumnNames(RunConfig config) =>
        config.Data.IsSynthetic ? StepColumns.CriticalRateNames.Concat(StepColumns.AgopAlignmentNames).ToList() : StepColumns.CriticalRateNames;

    /// <inheritdoc />
    protected override (RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises) Execute(CellPlan plan, RunConfig config, StudyData data, string folder,
        Action<int> progress, CancellationToken ct)
    {
        // The controller is code, not data, so the plan's configuration does not carry it; each cell attaches it again.
        var settings = plan.SettingsAs<PlanSettings>();
        config = config with { Training = config.Training with { RateController = new RateRaiser(settings.PhaseSteps, settings.Raises, settings.RaiseFactor, data.Train.Features) } };
        var columns = new List<StepColumns> { StepColumns.CriticalRate(data.Train.Features, config.RecordEvery) };
        // The same test as StepColumnNames, so the columns written are the columns named: a synthetic task has a reference AGOP.
        if (config.Data.IsSynthetic) columns.Add(StepColumns.AgopAlignment(data.Test.Features, data.ReferenceAgop!, config.RecordEvery));
        RunOutcome outcome;
        try
        {
            outcome = RunExecutor.Run(config, data, folder, resume: true, new RunHooks { Columns = columns, SharpnessColumn = "lambda_max", Progress = progress }, ct);
        }
        finally
        {
            foreach (var c in columns) c.Dispose();
        }
        // summary.json keeps the realised raises, which rerun the same steps as a plain MilestoneSchedule.
        return (outcome, outcome.Summary.RealisedSchedule?.Milestones ?? Array.Empty<LearningRateMilestone>());
    }

    /// <inheritdoc />
    protected override string Describe((RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises) r) =>
        $"{r.Run.Summary.Outcome}, {r.Run.Summary.Catapults} catapults, {r.Run.Summary.LossesOrDivergence(withAlignment: false)}";

    /// <inheritdoc />
    protected override void Report(CellPlan plan, string directory, StudyData data, IReadOnlyList<(RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises)> results)
    {
        var settings = plan.SettingsAs<PlanSettings>();
        GdCatapultsReport.Write(directory, data, results, settings.RaiseFactor, settings.PhaseSteps);
    }

    /// <summary>
    /// Raises the rate to factor × η_crit(full batch) every <c>phase</c> steps (<c>raises</c> times, then one phase to
    /// settle), from the weights the step starts at. It keeps no state: the raises so far are the realised schedule's
    /// milestones, which the trainer restores from a checkpoint, so a resumed run raises exactly as an uninterrupted one.
    /// </summary>
    private sealed class RateRaiser(int phase, int raises, double factor, TorchSharp.torch.Tensor inputs) : ILearningRateController
    {
        public double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context)
        {
            var done = realisedSoFar?.Milestones ?? Array.Empty<LearningRateMilestone>();
            double current = done.Count > 0 ? done[^1].Rate : scheduledRate;
            if (step == 0 || step % phase != 0 || done.Count >= raises) return current;
            var crit = Finite.Guard(context.Model, step, "the critical rate of a raise", () => CriticalLearningRate.Compute(context.Model, inputs)).Value;
            if (!double.IsFinite(crit)) throw new NonFiniteValueException(step, $"the critical rate of the raise at step {step} is {crit}");
            return crit <= 0 ? current : factor * crit;
        }
    }
}
