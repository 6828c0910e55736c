using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;
using SkiaSharp;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// The study-level outputs over all depths: summary.json, report.md with the per-depth slopes and verdicts, and the
/// figures (plateau and drop, the rank-4 staircase, the time-rescaled overlay, the best loss against γ).
/// </summary>
internal static class FeatureStrengthStudyReport
{
    public const string PlateauFile = "plateau.png";
    public const string StaircaseFile = "staircase.png";
    public const string RescaledTimeFile = FeatureStrengthOutputs.RescaledTimeFile;
    public const string BestLossFile = "best-loss.png";

    public static IReadOnlyList<string> Write(string directory, FeatureStrengthSettings settings, IReadOnlyList<DepthSweep> depths,
        FeatureStrengthSettings? stairSettings, SweepResult? stairs, TimeSpan training)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var verdicts = depths.Select(d => (d.Depth, Rich: SlopeVerdict.Rich(d.Depth, d.Seeds.RichSlope), Lazy: SlopeVerdict.Lazy(d.Depth, d.Seeds.LazySlope))).ToList();

        if (Plateau(Path.Combine(directory, PlateauFile), depths)) written.Add(PlateauFile);
        if (stairs is not null && Staircase(Path.Combine(directory, StaircaseFile), stairs)) written.Add(StaircaseFile);
        if (RescaledTime(Path.Combine(directory, RescaledTimeFile), depths)) written.Add(RescaledTimeFile);
        if (BestLoss(Path.Combine(directory, BestLossFile), depths)) written.Add(BestLossFile);

        var summary = new
        {
            tolerance = SlopeVerdict.Tolerance,
            minimumPoints = SlopeVerdict.MinimumPoints,
            trainingSeconds = training.TotalSeconds,
            seeds = settings.SeedList(),
            depths = verdicts.Select(v =>
            {
                var seeded = depths.First(d => d.Depth == v.Depth).Seeds;
                return new
                {
                    depth = v.Depth,
                    rich = new { predicted = v.Rich.Predicted, fit = v.Rich.Fit, holds = v.Rich.Holds, verdict = v.Rich.Outcome.Word(), perSeedSlopes = seeded.PerSeedRichSlopes },
                    lazy = new { predicted = v.Lazy.Predicted, fit = v.Lazy.Fit, holds = v.Lazy.Holds, verdict = v.Lazy.Outcome.Word(), perSeedSlopes = seeded.PerSeedLazySlopes },
                    gammas = seeded.Gammas,
                };
            }),
        };
        Save(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, SweepJson.Indented), written);
        Save(Path.Combine(directory, "report.md"), Report(settings, depths, verdicts, stairSettings, stairs, training, written), written);
        return written;
    }

    /// <summary>The best lattice cell of each γ (null when every rate diverged).</summary>
    private static SweepCellResult? BestCell(SweepResult result, GammaScanSummary g) => g.BestLatticeLearningRate is double rate
        ? result.CellAt(g.GammaIndex, rate)
        : null;

    private static bool Plateau(string path, IReadOnlyList<DepthSweep> depths)
    {
        var series = PlateauSeries(depths);
        if (series.Count == 0) return false;
        Plots.Draw(path, "Large γ (rich), rank-2 task: held-out loss at the best rate — plateau, then drop", "step t",
            "held-out loss", series, lines: true, logY: true);
        return true;
    }

    /// <summary>
    /// The plateau figure's curves: at each depth, the held-out loss at the best rate of the two largest rich γ (γ &gt; 1),
    /// where the plateau is longest; a γ whose every rate diverged has no curve.
    /// </summary>
    internal static List<Series> PlateauSeries(IReadOnlyList<DepthSweep> depths)
    {
        var series = new List<Series>();
        foreach (var d in depths)
            foreach (var g in d.Result.Gammas.Where(g => g.Gamma > 1).TakeLast(2))
                if (BestCell(d.Result, g) is { } cell)
                    series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"L = {d.Depth}, γ = {g.Gamma:G3}, η = {cell.Cell.LearningRate:G3}"),
                        cell.TestLossSteps.Select(t => (double)t).ToArray(), cell.TestLosses));
        return series;
    }

    private static bool Staircase(string path, SweepResult stairs)
    {
        var series = new List<Series>();
        foreach (var g in stairs.Gammas)
            if (BestCell(stairs, g) is { } cell)
                series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"γ = {g.Gamma:G3}, η = {cell.Cell.LearningRate:G3} (best)"),
                    cell.TestLossSteps.Select(t => (double)t).ToArray(), cell.TestLosses));
        if (series.Count == 0) return false;
        double length = series.Max(s => s.X.Count == 0 ? 0 : s.X[^1]);
        // The loss once k of the four unit-variance terms are learned: 4 − k.
        foreach (int level in new[] { 3, 2, 1 })
            series.Add(new Series($"loss {level} ({4 - level} of 4 terms learned)", new[] { 0.0, length }, new[] { (double)level, level }));
        Plots.Draw(path, "Rank-4 task x1 + x1x2 + x1x2x3 + x1x2x3x4, depth 2, large γ: held-out loss at the best rate", "step t",
            "held-out loss", series, lines: true, logY: true);
        return true;
    }

    /// <summary>
    /// What the lattice alone can do to this run's fits, computed from its own γ and spacing (the rule's reasoning
    /// counted a two-decade fit's ends only).
    /// </summary>
    private static string LatticeSentence(FeatureStrengthSettings s)
    {
        var c = CultureInfo.InvariantCulture;
        double band = s.SlopeFitExclusionDecades;
        var sides = new[] { s.Gammas().Where(g => FeatureStrengthSweep.IsLazy(g, band)).ToList(), s.Gammas().Where(g => FeatureStrengthSweep.IsRich(g, band)).ToList() }
            .Where(g => g.Count >= 2).ToList();
        const string Reason = "The value was fixed as half a lattice level at each end of a two-decade fit (0.125 at 0.25 decades) plus a little for the refinement";
        if (sides.Count == 0) return Reason + "; no fit of this run has two γ, so what the lattice can do to a slope is not defined here.";
        double worst = sides.Max(g => SlopeVerdict.LatticeWorstCase(g, s.LevelSpacingDecades));
        string margin = worst < SlopeVerdict.Tolerance - 1e-9 ? string.Create(c, $"the tolerance covers that with {SlopeVerdict.Tolerance - worst:F3} to spare")
            : worst <= SlopeVerdict.Tolerance + 1e-9 ? "the tolerance covers that worst case and nothing beyond it"
            : "the tolerance is smaller than that worst case";
        return string.Create(c, $"{Reason}; over this run's fits (lattice {s.LevelSpacingDecades:G3} decades, γ {string.Join(", ", sides.Select(g => $"{g.Min():G3} … {g.Max():G3}"))}) the lattice alone can tilt a least-squares slope by up to {worst:F3}, so {margin}.");
    }

    /// <summary>One panel per depth, stacked: held-out loss of each rich-side γ at its best lattice rate against τ.</summary>
    private static bool RescaledTime(string path, IReadOnlyList<DepthSweep> depths)
    {
        var panels = new List<(DepthSweep Depth, List<SweepCellResult> Cells)>();
        foreach (var d in depths)
        {
            double band = d.Settings.SlopeFitExclusionDecades;
            var cells = d.Result.Gammas.Where(g => FeatureStrengthSweep.IsRich(g.Gamma, band))
                .Select(g => BestCell(d.Result, g)).OfType<SweepCellResult>().ToList();
            if (cells.Count > 0) panels.Add((d, cells));
        }
        if (panels.Count == 0) return false;
        const int panelWidth = 900, panelHeight = 380;
        using var canvasBitmap = new SKBitmap(panelWidth, panelHeight * panels.Count);
        using var canvas = new SKCanvas(canvasBitmap);
        canvas.Clear(SKColors.White);
        for (int p = 0; p < panels.Count; p++)
        {
            var (d, cells) = panels[p];
            var rule = d.Settings.CellTemplate().Scaling();
            var plot = new ScottPlot.Plot();
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                double scale = cell.Cell.LearningRate / rule.LearningRate(1.0, cell.Cell.Gamma);
                var points = cell.TestLossSteps.Zip(cell.TestLosses).Where(q => q.Second > 0 && double.IsFinite(q.Second)).ToArray();
                var line = plot.Add.ScatterLine(points.Select(q => q.First * scale).ToArray(), points.Select(q => Math.Log10(q.Second)).ToArray());
                line.Color = Plots.ColorOf(i);
                line.LineWidth = 1.5f;
                line.MarkerSize = 0;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"γ = {cell.Cell.Gamma:G3}, η = {cell.Cell.LearningRate:G3}");
            }
            Plots.Label(plot, string.Create(CultureInfo.InvariantCulture, $"L = {d.Depth}: held-out loss at the best rate against rescaled time"),
                "τ = η t / (W γ^(2/L))", "log₁₀ held-out loss", ScottPlot.Alignment.UpperRight);
            // Panels are drawn one by one and stacked, so each depth keeps its own axes.
            using var panel = SKBitmap.Decode(plot.GetImage(panelWidth, panelHeight).GetImageBytes(ScottPlot.ImageFormat.Png, 100));
            canvas.DrawBitmap(panel, 0, p * panelHeight);
        }
        canvas.Flush();
        using var image = SKImage.FromBitmap(canvasBitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteBytes(path, data.ToArray());
        return true;
    }

    private static bool BestLoss(string path, IReadOnlyList<DepthSweep> depths)
    {
        var plot = new ScottPlot.Plot();
        bool any = false;
        for (int i = 0; i < depths.Count; i++)
        {
            var d = depths[i];
            var own = d.Result.Gammas.Where(g => g.BestLoss is > 0).ToList();
            int common = CommonEvaluationStep(d.Settings);
            var atCommon = d.Result.Gammas.Select(g => (g.Gamma, Loss: BestLossAt(d.Result, g.GammaIndex, common))).Where(p => p.Loss is > 0).ToList();
            if (own.Count > 0)
            {
                var line = plot.Add.ScatterLine(own.Select(g => Math.Log10(g.Gamma)).ToArray(), own.Select(g => Math.Log10(g.BestLoss!.Value)).ToArray());
                line.Color = Plots.ColorOf(i);
                line.LineWidth = 2f;
                line.MarkerSize = 7;
                line.LegendText = $"L = {d.Depth}, at the γ's own budget";
                any = true;
            }
            if (atCommon.Count > 0)
            {
                var line = plot.Add.ScatterLine(atCommon.Select(p => Math.Log10(p.Gamma)).ToArray(), atCommon.Select(p => Math.Log10(p.Loss!.Value)).ToArray());
                line.Color = Plots.ColorOf(i);
                line.LineWidth = 1.5f;
                line.LinePattern = ScottPlot.LinePattern.Dashed;
                line.MarkerSize = 4;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"L = {d.Depth}, at the common budget of {common} steps");
                any = true;
            }
        }
        if (!any) return false;
        Plots.Save(plot, path, "Best held-out (online) loss over the rates, against γ", "log₁₀ γ", "log₁₀ best held-out loss",
            ScottPlot.Alignment.UpperLeft, 900, 560);
        return true;
    }

    /// <summary>
    /// The common budget at which every γ is compared: the last scheduled evaluation within steps(γ = 1). Each cell
    /// is also evaluated at its own last step, so γ ≤ 1 would otherwise be read at steps(1) and larger γ at the
    /// scheduled evaluation before it (225 against 220 under --quick).
    /// </summary>
    public static int CommonEvaluationStep(FeatureStrengthSettings settings) =>
        settings.StepsAt(1.0) / settings.EvaluateEvery * settings.EvaluateEvery;

    /// <summary>
    /// The lowest held-out loss over a γ's stable cells at the last evaluation at or before <paramref name="step"/>:
    /// every γ compared at the same budget, which the growing budget of large γ otherwise confounds.
    /// </summary>
    public static double? BestLossAt(SweepResult result, int gammaIndex, int step)
    {
        double? best = null;
        foreach (var cell in result.Cells.Where(c => c.Cell.GammaIndex == gammaIndex && !c.Diverged))
        {
            int i = Array.FindLastIndex(cell.TestLossSteps, t => t <= step);
            if (i < 0 || !double.IsFinite(cell.TestLosses[i])) continue;
            if (best is null || cell.TestLosses[i] < best) best = cell.TestLosses[i];
        }
        return best;
    }

    private static string Report(FeatureStrengthSettings s, IReadOnlyList<DepthSweep> depths,
        IReadOnlyList<(int Depth, SlopeVerdict Rich, SlopeVerdict Lazy)> verdicts, FeatureStrengthSettings? stairSettings, SweepResult? stairs,
        TimeSpan training, IReadOnlyList<string> written)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine("# Feature-learning strength at depths " + string.Join(", ", depths.Select(d => d.Depth.ToString(c))));
        b.AppendLine();
        b.AppendLine(FeatureStrengthOutputs.PaperCitation + ": η* ∝ γ² for γ ≪ 1 and η* ∝ γ^(2/L) for γ ≫ 1.");
        b.AppendLine();
        b.AppendLine("## Setup");
        b.AppendLine();
        b.AppendLine(c, $"- Model: centred mean-field (μP readout) network f = (f_w − f_w₀)/γ, L − 1 hidden layers of width {s.Width}, {s.Activation}, no biases.");
        b.AppendLine(c, $"- Task: {s.Task}, x ~ N(0, I_{s.InputDimension}); online SGD, {s.BatchSize} fresh samples per step; MSE without ½; held-out set of {s.HeldOutCount}, evaluated every {s.EvaluateEvery} steps.");
        b.AppendLine(c, $"- Grid: {s.Gammas().Length} γ from {s.GammaMin:G3} to {s.GammaMax:G3} ({s.GammasPerDecade} per decade); η on a lattice of {s.LevelSpacingDecades:G3} decades; each scan starts {s.StartDecadesAboveRule:G3} decade above the rule η = W γ^(2 or 2/L) (W the width) and ends {s.DecadesBelowFirstStable:G3} decade(s) below the first stable rate (further while the lowest rate is the best). Seeds {string.Join(", ", s.SeedList())}.");
        b.AppendLine(c, $"- Step budget, fixed before the runs: steps(γ, L) = T₀ · (L/2) · (1 + g · log₁₀ max(1, γ)) with T₀ = {s.Steps} and g = {s.StepGrowthPerDecade:G3}. Deeper nets get proportionally more steps (their plateau is longer) and every γ > 1 gets more per decade (the paper trains larger γ longer); every rate of a γ gets the same budget, so η* compares like with like.");
        b.AppendLine(c, $"{FeatureStrengthOutputs.OptimalRateDefinition} The lazy fit uses γ ≤ 10^−{s.SlopeFitExclusionDecades:G3}, the rich fit γ ≥ 10^{s.SlopeFitExclusionDecades:G3}.");
        if (s.Seeds > 1)
            b.AppendLine(c, $"- Seeds, by a rule fixed before the seeded runs: each of the {s.Seeds} seeds (initial weights, online stream, held-out set) scans every γ on its own, its rates trained as members of the same ensembles as the other seeds'. η*(γ) is the median of the seeds' η* in log η, counted only where more than half the seeds have one, and the slopes (± their standard error) are fitted to the medians. Why: the one-seed run's report stated that the noise of η* at one seed limits the slopes (near the optimum the final loss is flat across rates); a median of {s.Seeds} ignores {(s.Seeds - 1) / 2} outlying seed(s). The default's five is the smallest odd count whose median has a standard error (about 1.25·s/√K) of at most half the tolerance, with s = {FeatureStrengthSettings.PooledSeedSlopeSpread:G2} the pooled spread of the seeds' own rich slopes in two earlier three-seed runs. The spread is each seed's own slope and, per γ, the range of the seeds' η* in decades. The figures draw seed {s.Seed}'s cells.");
        b.AppendLine(c, $"- Verdict rule, fixed before the runs: a slope holds when it is within ±{SlopeVerdict.Tolerance:G3} (absolute) of its prediction and rests on at least {SlopeVerdict.MinimumPoints} γ. {LatticeSentence(s)} It is below the 0.33 gap between the L = 2 and L = 3 predictions.");
        b.AppendLine();
        b.AppendLine("## Slopes and verdicts");
        b.AppendLine();
        b.AppendLine("| L | rich γ fitted | rich slope | predicted 2/L | deviation | verdict | rich slope per seed | lazy γ fitted | lazy slope | predicted | deviation | verdict | lazy slope per seed | cells (diverged; frozen) | steps at γ = 1 … max γ |");
        b.AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var (depth, rich, lazy) in verdicts)
        {
            var d = depths.First(x => x.Depth == depth);
            var all = d.Seeds.PerSeed.SelectMany(r => r.Cells).ToList();
            b.AppendLine(c, $"| {depth} | {rich.Fit?.Points ?? 0} | {rich.SlopeText} | {rich.Predicted:F3} | {Dev(rich)} | **{rich.VerdictText}** | {Slopes(d.Seeds.PerSeedRichSlopes)} | {lazy.Fit?.Points ?? 0} | {lazy.SlopeText} | {lazy.Predicted:F0} | {Dev(lazy)} | **{lazy.VerdictText}** | {Slopes(d.Seeds.PerSeedLazySlopes)} | " +
                            $"{all.Count} ({all.Count(x => x.Diverged)}; {all.Count(x => x.Frozen)} frozen) | {d.Settings.StepsAt(1)} … {d.Settings.StepsAt(s.GammaMax)} |");
        }
        b.AppendLine();
        if (s.Seeds > 1) b.AppendLine(c, $"Slopes are fitted to the median η* over the seeds {string.Join(", ", s.SeedList())}; ± is that fit's standard error; \"per seed\" is each seed's own fit, in seed order.");
        b.AppendLine();
        int executed = depths.Sum(d => d.Seeds.PerSeed.Sum(r => r.ExecutedCells)) + (stairs?.ExecutedCells ?? 0);
        int reused = depths.Sum(d => d.Seeds.PerSeed.Sum(r => r.ReusedCells)) + (stairs?.ReusedCells ?? 0);
        b.AppendLine(c, $"This invocation trained {executed} cells and reused {reused} from an earlier one (a rerun resumes); the cells' training time, summed, {training.TotalSeconds:F1} s (cells run as separate units, possibly in other processes or on other machines, so no one process's CPU time covers them).");
        b.AppendLine();
        b.AppendLine("## η* and best loss per depth");
        b.AppendLine();
        b.AppendLine(c, $"η* is the median over the seeds; the losses and the largest stable η are seed {s.Seed}'s. The common budget is the last scheduled evaluation within steps(γ = 1): {string.Join(", ", depths.Select(d => string.Create(c, $"step {CommonEvaluationStep(d.Settings)} at L = {d.Depth}")))}.");
        b.AppendLine();
        b.AppendLine("| L | γ | steps | η* | η* per seed | spread (decades) | final held-out loss at η* | best held-out loss at the common budget | largest stable η |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var d in depths)
            foreach (var g in d.Result.Gammas)
            {
                var seeded = d.Seeds.Gammas[g.GammaIndex];
                b.AppendLine(c, $"| {d.Depth} | {g.Gamma:G3} | {d.Settings.StepsAt(g.Gamma)} | {F(seeded.Median)} | {string.Join(", ", seeded.PerSeed.Select(F))} | {(seeded.SpreadDecades is double x ? x.ToString("F2", c) : "—")} | {F(g.BestLoss)} | {F(BestLossAt(d.Result, g.GammaIndex, CommonEvaluationStep(d.Settings)))} | {F(g.HighestStableLearningRate)} |");
            }
        b.AppendLine();
        b.AppendLine("Each depth's sweep, with its heat map and its own report, is in `depth-L/`.");
        b.AppendLine();
        if (stairs is not null && stairSettings is not null)
        {
            b.AppendLine("## Rank-4 staircase follow-up");
            b.AppendLine();
            b.AppendLine(c, $"Depth 2, the rank-4 task (four unit-variance terms, so the loss reads 4 − k once k are learned), γ = {string.Join(", ", stairs.Gammas.Select(g => g.Gamma.ToString("G3", c)))}, {stairSettings.StepsAt(stairSettings.GammaMin)}–{stairSettings.StepsAt(stairSettings.GammaMax)} steps, a short rate scan: from {stairSettings.StartDecadesAboveRule:G3} decade above the rule η = W γ^(2 or 2/L) to {stairSettings.DecadesBelowFirstStable:G3} decade below the first stable rate. In `{StaircaseFollowUp.DirectoryName}/`.");
            b.AppendLine();
            b.AppendLine("| γ | η* (lattice) | final held-out loss | cells |");
            b.AppendLine("|---:|---:|---:|---:|");
            foreach (var g in stairs.Gammas) b.AppendLine(c, $"| {g.Gamma:G3} | {F(g.BestLatticeLearningRate)} | {F(g.BestLoss)} | {g.Cells} |");
            b.AppendLine();
        }
        b.AppendLine("## Figures");
        b.AppendLine();
        void Figure(string file, string caption) { if (written.Contains(file)) MarkdownReport.AppendFigure(b, file, caption); }
        Figure(PlateauFile, $"Rank-2 task, the two largest γ of each depth at their best lattice rate: held-out loss — a plateau near the initial loss, then a drop.");
        Figure(StaircaseFile, "Rank-4 task at depth 2 and large γ: held-out loss at the best rate, with the levels 3, 2, 1 reached after learning one, two, three of the four terms.");
        Figure(RescaledTimeFile, "Held-out loss of every rich-side γ at its best lattice rate against τ = η t / (W γ^(2/L)); the paper finds large-γ trajectories alike up to this rescaling of time.");
        Figure(BestLossFile, "Best held-out loss over the rates against γ, per depth: at each γ's own budget (which grows with γ), and at the common budget, the last scheduled evaluation within steps(γ = 1), which removes the budget's confound.");
        return b.ToString();

        string F(double? v) => v is double x ? x.ToString("G3", c) : "—";
        string Dev(SlopeVerdict v) => v.Deviation is double x ? SlopeVerdict.FormatDeviation(x) : "—";
        string Slopes(IReadOnlyList<double?> slopes) => string.Join(", ", slopes.Select(x => x is double v ? v.ToString("F2", c) : "—"));
    }

    private static void Save(string path, string text, List<string> written)
    {
        Infrastructure.AtomicFile.WriteText(path, text);
        written.Add(Path.GetFileName(path));
    }
}
