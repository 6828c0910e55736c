using Catapults.ML.Data;
using Catapults.ML.Scaling;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// The <c>feature-strength</c> sub-command: γ–η sweeps of centred mean-field networks trained online, one cell per
/// depth and γ (that γ's learning-rate scan, which is sequential: each rate depends on the last outcome), resumable,
/// merged into sweep.json, report.md and PNG figures per depth and for the study.
/// </summary>
public sealed class FeatureStrengthCommand : ICellExperiment
{
    private readonly Option<bool> _quick = new("--quick") { Description = "Small preset: 5 γ in 10^-2..10^2, width 32, short budgets (the tests run it)." };
    private readonly Option<string?> _output = new("--out") { Description = "Study directory (default runs/feature-strength or runs/feature-strength-quick): plan.json, one cell per depth and γ in runs/, and the reports. A rerun keeps the finished cells." };
    private readonly SettingTextOption<FeatureStrengthSettings> _task = new("--task", (s, v) => s with { Task = v switch { "rank4" => SyntheticTaskKind.Rank4, "rank2" => SyntheticTaskKind.Rank2, _ => s.Task } }) { Description = "Synthetic target of the η*(γ) sweeps: rank2 (x1 x2, default) or rank4 (x1 + x1x2 + x1x2x3 + x1x2x3x4)." };
    private readonly SettingTextOption<FeatureStrengthSettings> _depths = new("--depths", (s, v) => s with { Depths = ParseDepths(v) }) { Description = "Depths L (weight layers) to sweep, comma-separated (default 2,3,4)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _dimension = new("--input-dimension", (s, v) => s with { InputDimension = v }) { Description = "Input dimension d (default 16)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _width = new("--width", (s, v) => s with { Width = v }) { Description = "Hidden width N of every hidden layer (default 64; quick 32)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _steps = new("--steps", (s, v) => s with { Steps = v }) { Description = "Base step budget T0 (depth 2, γ ≤ 1); a cell gets T0 · (L/2) · (1 + g · log10 max(1, γ)) (default 1000; quick 150)." };
    private readonly SettingOption<FeatureStrengthSettings, double> _growth = new("--step-growth", (s, v) => s with { StepGrowthPerDecade = v }) { Description = "g in the step budget's growth with log10 γ on the rich side (default 1)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _batch = new("--batch-size", (s, v) => s with { BatchSize = v }) { Description = "Fresh samples per step (default 32)." };
    private readonly SettingOption<FeatureStrengthSettings, double> _gammaMin = new("--gamma-min", (s, v) => s with { GammaMin = v }) { Description = "Smallest γ (default 1e-3; quick 1e-2)." };
    private readonly SettingOption<FeatureStrengthSettings, double> _gammaMax = new("--gamma-max", (s, v) => s with { GammaMax = v }) { Description = "Largest γ (default 1e3; quick 1e2)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _perDecade = new("--gammas-per-decade", (s, v) => s with { GammasPerDecade = v }) { Description = "γ grid density (default 2; quick 1)." };
    private readonly SettingOption<FeatureStrengthSettings, double> _spacing = new("--eta-spacing", (s, v) => s with { LevelSpacingDecades = v }) { Description = "η lattice spacing in decades (default 0.25)." };
    private readonly SettingOption<FeatureStrengthSettings, double> _below = new("--decades-below", (s, v) => s with { DecadesBelowFirstStable = v }) { Description = $"Decades scanned below the first stable η (default {FeatureStrengthSettings.Default.DecadesBelowFirstStable:G4}; quick {FeatureStrengthSettings.Quick.DecadesBelowFirstStable:G4})." };
    private readonly SettingOption<FeatureStrengthSettings, double> _exclude = new("--fit-exclude-decades", (s, v) => s with { SlopeFitExclusionDecades = v }) { Description = "Crossover band |log10 γ| < c left out of the slope fits (default 1)." };
    private readonly SettingOption<FeatureStrengthSettings, long> _seed = new("--seed", (s, v) => s with { Seed = v }) { Description = "First seed of initialisation, online stream and held-out set (default 0)." };
    private readonly SettingOption<FeatureStrengthSettings, int> _seeds = new("--seeds", (s, v) => s with { Seeds = v }) { Description = $"Seeds K per γ (seed, seed + 1, …), trained as members of the same ensembles; η*(γ) is the median over them and the slopes are fitted to the medians (default {FeatureStrengthSettings.Default.Seeds}; quick {FeatureStrengthSettings.Quick.Seeds})." };
    private readonly SettingOption<FeatureStrengthSettings, bool> _staircase = new("--staircase", (s, v) => s with { Staircase = v }) { Description = "Also run the rank-4 staircase follow-up at depth 2 and large γ (default on)." };

    /// <summary>The study-level settings the merge needs (the per-depth ones travel with each cell).</summary>
    /// <param name="Settings">The study's settings as resolved from the options.</param>
    /// <param name="CellsOnEveryCore">The settings' <see cref="FeatureStrengthSettings.CellsOnEveryCore"/>, which their JSON leaves out.</param>
    internal sealed record PlanSettings(FeatureStrengthSettings Settings, bool CellsOnEveryCore);

    /// <summary>One cell: the learning-rate scan of one γ of one sweep (a depth, or the staircase follow-up).</summary>
    /// <param name="Sweep">The sweep's folder name: depth-L or staircase-rank4.</param>
    /// <param name="Settings">The sweep's settings (one depth).</param>
    /// <param name="GammaIndex">The position of γ in the sweep's grid.</param>
    internal sealed record ScanCell(string Sweep, FeatureStrengthSettings Settings, int GammaIndex);

    /// <inheritdoc />
    public string Name => "feature-strength";

    /// <inheritdoc />
    public Type ConfigurationType => typeof(ScanCell);

    /// <inheritdoc />
    public string Description =>
        "γ–η sweeps of centred mean-field networks trained online at depths L = 2, 3, 4: η*(γ) slopes against 2 and 2/L with verdicts, heat maps, plateaus, rescaled time, best loss against γ.";

    /// <summary>Builds the command.</summary>
    public static Command Create() => CellCommands.Experiment(new FeatureStrengthCommand());

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        _task.AcceptOnlyFromAmong("rank2", "rank4");
        foreach (Option o in new Option[] { _quick, _output, _task, _depths, _dimension, _width, _steps, _growth, _batch, _gammaMin, _gammaMax, _perDecade, _spacing, _below, _exclude, _seed, _seeds, _staircase })
            command.Options.Add(o);
    }

    /// <inheritdoc />
    public string OutputFolder(ParseResult parse) =>
        Infrastructure.OutputFolder.For(parse.GetValue(_output), parse.GetValue(_quick), "feature-strength");

    /// <inheritdoc />
    /// <remarks>A rerun of the same command resumes: finished γ scans are read back, and a killed scan skips its finished rates.</remarks>
    public bool KeepsFinishedCells(ParseResult parse) => true;

    /// <inheritdoc />
    public CellPlan Plan(ParseResult parse, CancellationToken ct)
    {
        bool isQuick = parse.GetValue(_quick);
        var preset = isQuick ? FeatureStrengthSettings.Quick : FeatureStrengthSettings.Default;
        FeatureStrengthSettings settings;
        try
        {
            settings = parse.ApplySettingOptions(preset);
            settings.Validate();
            foreach (int depth in settings.Depths) settings.ForDepth(depth).Validate();
        }
        catch (ArgumentException ex)
        {
            throw ConfigurationException.From(ex);
        }
        var cells = new List<(string, ScanCell)>();
        foreach (int depth in settings.Depths)
        {
            var depthSettings = settings.ForDepth(depth);
            for (int i = 0; i < depthSettings.Gammas().Length; i++) cells.Add(($"depth-{depth}-g{i:D2}", new ScanCell($"depth-{depth}", depthSettings, i)));
        }
        // The staircase follow-up at depth 2 starts each scan from the scaling rule, not from depth 2's results, so
        // that every cell is fixed by the options alone and no cell waits for another.
        var stairs = settings.Staircase && settings.Depths.Contains(2) ? StaircaseFollowUp.Settings(settings, settings.ForDepth(2)) : null;
        // Asked for by name, the follow-up is not dropped without a word.
        if (stairs is null && parse.GetValue(_staircase) == true)
            throw new ConfigurationException(settings.Depths.Contains(2)
                ? "--staircase runs at depth 2 and γ > 1, which the γ range at depth 2 leaves out; raise --gamma-max above 1 or leave --staircase out."
                : $"--staircase runs at depth 2, which --depths {string.Join(",", settings.Depths)} leaves out; add 2 to --depths or leave --staircase out.");
        if (stairs is not null)
            for (int i = 0; i < stairs.Gammas().Length; i++)
                cells.Add(($"{StaircaseFollowUp.DirectoryName}-g{i:D2}", new ScanCell(StaircaseFollowUp.DirectoryName, stairs, i)));
        // One libtorch thread per cell: on these small networks more threads only contend.
        return CellPlan.Create(Name, threads: 1, new PlanSettings(settings, settings.CellsOnEveryCore), cells);
    }

    /// <inheritdoc />
    public int DefaultJobs(CellPlan plan) =>
        plan.SettingsAs<PlanSettings>().CellsOnEveryCore ? plan.JobsOnEveryCore() : 1;

    /// <inheritdoc />
    public string DefaultJobsText => $"{ICellExperiment.OnEveryCore}; under --quick {ICellExperiment.OneAfterAnother}";

    /// <inheritdoc />
    public void RunCell(CellContext context, CancellationToken ct)
    {
        var cell = CellPlan.ConfigurationOf<ScanCell>(context.Cell);
        var scans = GammaScan.Run(cell.Settings, cell.GammaIndex, context.Folder, new ConsoleProgress(cell.Settings.Seeds > 1), ct);
        foreach (var scan in scans)
        {
            double? best = scan.Cells.Where(r => r.SelectionLoss is not null).MinBy(r => r.SelectionLoss)?.Cell.LearningRate;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{context.Cell.Label}: γ = {cell.Settings.Gammas()[cell.GammaIndex]:G4}, seed {scan.Seed}, {scan.Cells.Count} rates, best η {(best is double rate ? rate.ToString("G4", CultureInfo.InvariantCulture) : "none (every rate diverged)")}"));
        }
    }

    /// <inheritdoc />
    public string? VerifyFinished(CellContext context)
    {
        var cell = CellPlan.ConfigurationOf<ScanCell>(context.Cell);
        return GammaScan.Verify(context.Folder, cell.Settings, cell.GammaIndex);
    }

    /// <inheritdoc />
    public void Merge(CellPlan plan, string directory, CancellationToken ct)
    {
        var settings = plan.SettingsAs<PlanSettings>().Settings;
        var cells = plan.Cells.Select(c => (Cell: CellPlan.ConfigurationOf<ScanCell>(c), Scans: GammaScan.Read(CellPlan.CellFolder(directory, c)))).ToList();
        SeedSweepResult Summarise(string sweep, out FeatureStrengthSettings sweepSettings)
        {
            var own = cells.Where(c => c.Cell.Sweep == sweep).ToList();
            var s = sweepSettings = own[0].Cell.Settings;
            var seeds = s.SeedList();
            // Each seed is summarised as a sweep of its own; the seeds meet only in the median η* per γ.
            var perSeed = seeds.Select(seed =>
            {
                var results = own.SelectMany(c => c.Scans.Single(x => x.Seed == seed).Cells).ToList();
                return FeatureStrengthSweep.Summarise(s.SweepOptions(), results, results.Count, 0, TimeSpan.FromSeconds(results.Sum(r => r.WallSeconds)));
            }).ToList();
            return FeatureStrengthSweep.CombineSeeds(s.SweepOptions(), seeds, perSeed);
        }
        var depths = new List<DepthSweep>();
        foreach (int depth in settings.Depths)
        {
            var seeded = Summarise($"depth-{depth}", out var depthSettings);
            string depthDirectory = Path.Combine(directory, $"depth-{depth}");
            Directory.CreateDirectory(depthDirectory);
            FeatureStrengthOutputs.Write(depthDirectory, depthSettings, seeded.PerSeed[0], 1, seeded);
            depths.Add(new DepthSweep(depth, depthSettings, seeded));
        }
        SweepResult? stairs = null;
        FeatureStrengthSettings? stairSettings = null;
        if (cells.Any(c => c.Cell.Sweep == StaircaseFollowUp.DirectoryName))
            stairs = Summarise(StaircaseFollowUp.DirectoryName, out stairSettings!).PerSeed[0];
        // Cells ran as separate units (possibly on other machines), so the time reported is their summed training time.
        var training = TimeSpan.FromSeconds(depths.Sum(d => d.Seeds.PerSeed.Sum(r => r.WallTime.TotalSeconds)) + (stairs?.WallTime.TotalSeconds ?? 0));
        var files = FeatureStrengthStudyReport.Write(directory, settings, depths, stairSettings, stairs, training);
        Console.WriteLine();
        int seedCount = settings.Seeds;
        Console.WriteLine($"depth | rich slope (2/L) | verdict | lazy slope (2) | verdict   [tolerance ±{SlopeVerdict.Tolerance.ToString("G3", CultureInfo.InvariantCulture)}" +
                          (seedCount > 1 ? $"; slopes of the median η* over {seedCount} seeds, each seed's own slope in brackets]" : "]"));
        foreach (var d in depths)
        {
            var rich = SlopeVerdict.Rich(d.Depth, d.Seeds.RichSlope);
            var lazy = SlopeVerdict.Lazy(d.Depth, d.Seeds.LazySlope);
            string Each(IReadOnlyList<double?> slopes) => seedCount > 1
                ? " [" + string.Join(", ", slopes.Select(x => x?.ToString("F2", CultureInfo.InvariantCulture) ?? "—")) + "]" : "";
            Console.WriteLine($"  L = {d.Depth} | {rich.SlopeText}{Each(d.Seeds.PerSeedRichSlopes)} ({rich.Predicted.ToString("F3", CultureInfo.InvariantCulture)}) | {rich.VerdictText} | {lazy.SlopeText}{Each(d.Seeds.PerSeedLazySlopes)} | {lazy.VerdictText}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training time summed over cells {training.TotalSeconds:F1} s"));
        Console.WriteLine($"  wrote {string.Join(", ", files)} in {directory}");
    }

    private static int[] ParseDepths(string text)
    {
        var parts = Cli.ListEntries(text, "--depths");
        var depths = new int[parts.Count];
        for (int i = 0; i < parts.Count; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out depths[i]))
                throw new ArgumentException($"--depths takes comma-separated integers, got '{text}'.");
        return depths;
    }

    private sealed class ConsoleProgress(bool showSeed) : IProgress<(long Seed, SweepCellResult Result)>
    {
        private readonly object _gate = new();
        private int _count;

        public void Report((long Seed, SweepCellResult Result) report)
        {
            var value = report.Result;
            lock (_gate)
            {
                _count++;
                string outcome = value.Diverged ? $"diverged at step {value.DivergenceStep}" : $"held-out loss {value.FinalTestLoss:G4}";
                string seed = showSeed ? $"seed {report.Seed,-3} " : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{_count,4}] {seed}γ = {value.Cell.Gamma,-9:G4} η = {value.Cell.LearningRate,-10:G4} {outcome} ({value.WallSeconds:F2} s)"));
            }
        }
    }
}
