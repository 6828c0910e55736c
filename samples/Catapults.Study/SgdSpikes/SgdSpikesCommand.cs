using Catapults.ML.Probes;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.SgdSpikes;

/// <summary>
/// The <c>sgd-spikes</c> experiment: SGD with a fixed η; η_crit of every batch against η, the probe-set loss split
/// into PL_s and PL_s⊥ (s = 5), and whether loss spikes rise in PL_s, start at a step where η &gt; η_crit(batch) and
/// lower λ_max beyond its drift more often than chance (<see cref="SpikeVerdicts"/>), over 4 seeds by default.
/// </summary>
public sealed class SgdSpikesCommand : RunCellExperiment<SpikeRun>
{
    private const int S = 5;

    private readonly Option<int?> _batch = new("--batch-size") { Description = "Batch size b (default 10)." };
    private readonly Option<double?> _fraction = new("--rate-fraction") { Description = "η = fraction × η_crit(full batch, init) (default: η = the median η_crit of the first epoch's batches at init, inside their spread)." };
    private readonly Option<double?> _rate = new("--learning-rate") { Description = "Fixed η (overrides --rate-fraction)." };
    private readonly Option<int?> _steps = new("--steps") { Description = "SGD steps (default 3000; quick 300)." };
    private readonly Option<int?> _record = new("--record-every") { Description = "Steps between full-loss and PL_s records, at most half of --steps (default 5)." };
    private readonly Option<int?> _probe = new("--probe-size") { Description = "Probe-set size for the NTK eigenvectors (default 256; quick 128); a larger value than n takes the whole training set." };

    /// <summary>What the cells and the report need beyond each run's configuration.</summary>
    /// <param name="FullBatchCriticalRates">η_crit(full batch) of each seed's network at initialisation, by seed.</param>
    public sealed record PlanSettings(IReadOnlyList<double> FullBatchCriticalRates);

    /// <inheritdoc />
    public override string Name => "sgd-spikes";

    /// <inheritdoc />
    protected override bool? DefaultBias => false;

    /// <inheritdoc />
    public override string Description => "SGD at fixed η (4 seeds; --quick 1): per-batch η_crit against η, PL_5 / PL_5⊥ on a probe set, and verdicts on whether spikes rise in PL_5, start where η > η_crit(batch) and lower λ_max, against chance.";

    /// <summary>The sub-command.</summary>
    public static Command Create() => CellCommands.Experiment(new SgdSpikesCommand());

    /// <inheritdoc />
    protected override void AddExperimentOptions(Command command)
    {
        foreach (Option o in new Option[] { _batch, _fraction, _rate, _steps, _record, _probe }) command.Options.Add(o);
    }

    /// <inheritdoc />
    public override CellPlan Plan(ParseResult parse, CancellationToken ct)
    {
        bool quick = parse.GetValue(Common.Quick);
        var dataSettings = Common.DataSettings(parse, quick ? 500 : 2000, quick ? 500 : 1000);
        int b = Cli.BatchSize(parse.GetValue(_batch) ?? 10, dataSettings.TrainCount, "--batch-size");
        double? frac = parse.GetValue(_fraction) is double f0 ? Cli.PositiveRate(f0, "--rate-fraction") : null;
        double? fixedRate = parse.GetValue(_rate) is double r0 ? Cli.PositiveRate(r0, "--learning-rate") : null;
        int maxSteps = parse.GetValue(_steps) ?? (quick ? 300 : 3000);
        int recordEvery = parse.GetValue(_record) ?? 5;
        int probeSize = parse.GetValue(_probe) ?? (quick ? 128 : 256);
        if (maxSteps < 1) throw new ConfigurationException($"--steps must be at least 1, got {maxSteps}.");
        Cli.RecordEvery(recordEvery, maxSteps, "the run's --steps");
        if (dataSettings.TrainCount < S)
            throw new ConfigurationException($"--n-train must be at least {S} (the probe set spans the top {S} NTK eigenvectors), got {dataSettings.TrainCount}.");
        if (probeSize < S) throw new ConfigurationException($"--probe-size must be at least {S} (the top {S} NTK eigenvectors), got {probeSize}.");
        // As in batch-sweep, a probe set larger than n is the whole training set.
        probeSize = Math.Min(probeSize, dataSettings.TrainCount);
        int checkpointEvery = Common.CheckpointEveryFor(parse, recordEvery, recordEvery * 20);
        int seeds = SeedCount(parse);
        int? threads = Common.ConfigureThreads(parse);
        // The paper's bias-free network: with an output bias every batch's critical rate is nearly the same.
        var network = Common.NetworkFor(parse, quick ? CommonOptions.QuickWidth : null, DefaultBias);

        using var data = StudyData.Load(dataSettings);
        var configs = new List<RunConfig>();
        var criticalRates = new List<double>();
        for (int seed = 0; seed < seeds; seed++)
        {
            var probeIndices = ProbeIndices.Draw(data.Train.Count, probeSize, seed);
            var config = new RunConfig
            {
                Experiment = "sgd-spikes", Label = $"b{b}-seed{seed}", Data = dataSettings, Network = network,
                Training = RunConfig.TrainingFor(1, b, maxSteps, seed, recordEvery), Seed = seed, RecordEvery = recordEvery, CheckpointEvery = checkpointEvery,
                ProbeIndices = probeIndices, Threads = threads,
            };
            double etaCrit, batchMedian;
            using (var model = RunExecutor.CreateModel(config, data))
            {
                etaCrit = CriticalLearningRate.Compute(model, data.Train.Features).Value;
                batchMedian = BatchSweep.BatchCriticalRates.Measure(model, data.Train, b, seed).Median;
            }
            configs.Add(config.WithLearningRate(fixedRate ?? (frac is double fr ? fr * etaCrit : batchMedian)));
            criticalRates.Add(etaCrit);
        }
        RunExecutor.ValidatePlan(configs, data);
        return CellPlan.Create(Name, threads, new PlanSettings(criticalRates), configs.Select(c => (c.Label, c)));
    }

    /// <inheritdoc />
    /// <remarks>The verdicts pool the seeds' spikes, so more seeds make their tests stronger; 4 run in about a minute on 2 cores.</remarks>
    protected override (int Default, int Quick) DefaultSeeds => (4, 1);

    /// <inheritdoc />
    protected override IReadOnlyList<string> StepColumnNames(RunConfig config) => LambdaMax;

    private static readonly string[] LambdaMax = { "lambda_max" };

    /// <inheritdoc />
    /// <remarks>One seed per core: the seeds are independent runs of about half a minute each.</remarks>
    public override int DefaultJobs(CellPlan plan) => plan.JobsOnEveryCore();

    /// <inheritdoc />
    public override string DefaultJobsText => ICellExperiment.OnEveryCore;

    /// <inheritdoc />
    protected override SpikeRun Execute(CellPlan plan, RunConfig config, StudyData data, string folder, Action<int> progress, CancellationToken ct)
    {
        // The plan measured one critical rate per seed; an edited plan.json without this seed's is refused before training.
        var rates = plan.SettingsAs<PlanSettings>().FullBatchCriticalRates;
        if (rates is null || config.Seed < 0 || config.Seed >= rates.Count || !(rates[(int)config.Seed] > 0) || !double.IsFinite(rates[(int)config.Seed]))
            throw new ConfigurationException(
                $"the plan's settings hold no finite, positive full-batch critical rate for seed {config.Seed} (fullBatchCriticalRates: [{string.Join(", ", rates ?? Array.Empty<double>())}]); plan again.");
        using var probeSet = data.Train.Subset(config.ProbeIndices, "probe");
        using var diagnostics = new DiagnosticsProbe(new DiagnosticsOptions
        {
            Every = config.RecordEvery, EigenvalueCount = S, ProbeSet = probeSet, RecordFullLoss = false,
            CriticalRate = CriticalRateCadence.EveryStep, DetectCatapults = false,
            Lanczos = new ML.Spectra.LanczosOptions { Tolerance = 1e-4 },
        });
        // λ_max of the probe set goes into steps.csv too, so that a spike counts as a catapult only where it fell.
        var sharpness = StepColumns.From(diagnostics, StepColumnNames(config), r => new[] { r.TopEigenvalue });
        var outcome = RunExecutor.Run(config, data, folder, resume: true,
            new RunHooks
            {
                Observers = new ITrainingObserver[] { new CheckpointedProbe(diagnostics) }, Columns = new[] { sharpness },
                SharpnessColumn = "lambda_max", Progress = progress,
            }, ct);
        var run = SpikeRun.Of(outcome, rates[(int)config.Seed],
            diagnostics.CriticalRates.ToList(), diagnostics.Records.ToList());
        WriteDiagnostics(run);
        return run;
    }

    /// <inheritdoc />
    protected override string Describe(SpikeRun r) =>
        $"{r.Outcome.Summary.Outcome}, {r.Outcome.Summary.Spikes} spikes ({r.Outcome.Summary.Catapults} catapults), {r.Outcome.Summary.LossesOrDivergence(withAlignment: false)}";

    /// <inheritdoc />
    protected override void Report(CellPlan plan, string directory, StudyData data, IReadOnlyList<SpikeRun> results) =>
        SgdSpikesReport.Write(directory, data, results.ToList(), S);

    private static void WriteDiagnostics(SpikeRun run)
    {
        var rates = new StringBuilder("step,learning_rate,eta_crit_batch,lambda_max_batch\n");
        foreach (var c in run.CriticalRates)
            rates.Append(CultureInfo.InvariantCulture, $"{c.Step},{RunDirectory.Format(c.LearningRate)},{RunDirectory.Format(c.Value)},{RunDirectory.Format(c.Sharpness)}\n");
        AtomicFile.WriteText(Path.Combine(run.Outcome.Directory, "critical-rates.csv"), rates.ToString());
        var projected = new StringBuilder("step,probe_loss," + string.Join(',', Enumerable.Range(1, S).Select(s => $"pl_{s}")) + "," +
                                          string.Join(',', Enumerable.Range(1, S).Select(s => $"pl_perp_{s}")) + "\n");
        foreach (var r in run.Records.Where(r => r.ProjectedLosses.Count > 0))
            projected.Append(CultureInfo.InvariantCulture, $"{r.Step},{RunDirectory.Format(r.ProbeLoss)},{string.Join(',', r.ProjectedLosses.Select(v => RunDirectory.Format(v)))},{string.Join(',', r.OrthogonalLosses.Select(v => RunDirectory.Format(v)))}\n");
        AtomicFile.WriteText(Path.Combine(run.Outcome.Directory, "projected-losses.csv"), projected.ToString());
    }
}
