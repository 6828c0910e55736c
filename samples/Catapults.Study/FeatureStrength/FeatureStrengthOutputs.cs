using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.FeatureStrength;

/// <summary>Writes the sweep's summary (sweep.json), figures (PNG) and report.md.</summary>
internal static class FeatureStrengthOutputs
{
    public const string HeatMapFile = "heatmap.png";
    public const string SmallGammaCurvesFile = "loss-curves-small-gamma.png";
    public const string LargeGammaCurvesFile = "loss-curves-large-gamma.png";
    public const string RescaledTimeFile = "rescaled-time.png";

    /// <summary>The seed paper, as both feature-strength reports cite it.</summary>
    internal const string PaperCitation = "After Atanasov, Meterez, Simon and Pehlevan, *The Optimization Landscape of SGD Across the Feature Learning Strength* (2024)";

    /// <summary>How both reports define η*(γ).</summary>
    internal const string OptimalRateDefinition = "- η*(γ): the rate with the lowest final held-out loss, refined by a parabola through log loss at the best lattice rate and its neighbours.";

    /// <summary>
    /// Writes the outputs of <paramref name="result"/>, one seed's sweep; with <paramref name="seeds"/> (the sweep over
    /// several seeds that <paramref name="result"/> is the first of) the report adds η* over the seeds and the slopes
    /// of their medians.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, FeatureStrengthSettings settings, SweepResult result, int parallelism, SeedSweepResult? seeds = null)
    {
        var rule = settings.CellTemplate().Scaling();
        var written = new List<string>();
        double band = settings.SlopeFitExclusionDecades;
        bool Lazy(double g) => FeatureStrengthSweep.IsLazy(g, band);
        bool Rich(double g) => FeatureStrengthSweep.IsRich(g, band);

        var edgeLazy = EdgeFit(result, Lazy);
        var edgeRich = EdgeFit(result, Rich);
        var summary = new
        {
            settings,
            depth = rule.Depth,
            widthFactor = rule.WidthFactor,
            cells = result.Cells.Count,
            divergedCells = result.Cells.Count(c => c.Diverged),
            frozenCells = result.Cells.Count(c => c.Frozen),
            executedCells = result.ExecutedCells,
            reusedCells = result.ReusedCells,
            parallelProcesses = parallelism,
            wallSeconds = result.WallTime.TotalSeconds,
            trainingSeconds = result.Cells.Sum(c => c.WallSeconds),
            lazySlope = result.LazySlope,
            richSlope = result.RichSlope,
            predictedLazySlope = rule.LazySlope,
            predictedRichSlope = rule.RichSlope,
            edgeOfStabilityLazySlope = edgeLazy,
            edgeOfStabilityRichSlope = edgeRich,
            gammas = result.Gammas,
        };
        Save(Path.Combine(directory, "sweep.json"), JsonSerializer.Serialize(summary, SweepJson.Indented), written);

        if (FeatureStrengthPlots.HeatMap(Path.Combine(directory, HeatMapFile), result, settings.LevelSpacingDecades, rule))
            written.Add(HeatMapFile);

        // Small γ: the largest stable rate, where catapults live, against a rate one decade lower on the same batches
        // (spikes both curves share come from heavy-tailed batches; spikes of the fast run alone are catapults).
        // Large γ: the best rate, where plateaus show.
        var small = new List<(string, SweepCellResult)>();
        foreach (var g in result.Gammas.Where(g => g.Gamma < 1 && g.HighestStableLearningRate is not null).Take(2))
        {
            var fast = result.CellAt(g.GammaIndex, g.HighestStableLearningRate!.Value);
            var slow = result.Cells.Where(c => c.Cell.GammaIndex == g.GammaIndex && !c.Diverged && fast is not null
                    && c.Cell.Level <= fast.Cell.Level - (int)Math.Round(1 / settings.LevelSpacingDecades))
                .OrderByDescending(c => c.Cell.Level).FirstOrDefault();
            if (fast is not null) small.Add(($"γ = {g.Gamma:G3}, η = {fast.Cell.LearningRate:G3} (largest stable)", fast));
            if (slow is not null) small.Add(($"γ = {g.Gamma:G3}, η = {slow.Cell.LearningRate:G3}", slow));
        }
        if (FeatureStrengthPlots.LossCurves(Path.Combine(directory, SmallGammaCurvesFile), small, 1, Math.Min(settings.Steps, 150),
                "Small γ (lazy): batch loss at the largest stable rate and a decade below"))
            written.Add(SmallGammaCurvesFile);
        var large = result.Gammas.Where(g => g.Gamma > 1 && g.BestLatticeLearningRate is not null).TakeLast(3)
            .Select(g => result.CellAt(g.GammaIndex, g.BestLatticeLearningRate!.Value))
            .Where(c => c is not null).Select(c => ($"γ = {c!.Cell.Gamma:G3}, η = {c.Cell.LearningRate:G3} (best)", c!)).ToList();
        if (FeatureStrengthPlots.LossCurves(Path.Combine(directory, LargeGammaCurvesFile), large, 10, settings.StepsAt(settings.GammaMax),
                "Large γ (rich): batch loss at the best rate — plateau, then drop"))
            written.Add(LargeGammaCurvesFile);
        var rescaled = result.Gammas.Where(g => Rich(g.Gamma) && g.BestLatticeLearningRate is not null)
            .Select(g => result.CellAt(g.GammaIndex, g.BestLatticeLearningRate!.Value)).Where(c => c is not null).Select(c => c!).ToList();
        if (FeatureStrengthPlots.RescaledTime(Path.Combine(directory, RescaledTimeFile), rescaled, rule))
            written.Add(RescaledTimeFile);

        string report = Report(settings, result, rule, parallelism, edgeLazy, edgeRich, written);
        if (seeds is not null && seeds.Seeds.Count > 1) report += SeedSection(seeds, rule);
        Save(Path.Combine(directory, "report.md"), report, written);
        return written;
    }

    private static string SeedSection(SeedSweepResult seeds, FeatureStrengthScaling rule)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine();
        b.AppendLine("## η* over seeds");
        b.AppendLine();
        b.AppendLine(c, $"Everything above is seed {seeds.Seeds[0]}'s sweep. The study's verdicts use the median η* over the seeds {string.Join(", ", seeds.Seeds)} (in log η, counted where more than half the seeds have one), with the slopes fitted to the medians.");
        b.AppendLine();
        b.AppendLine("| γ | median η* | " + string.Join(" | ", seeds.Seeds.Select(x => $"η* seed {x}")) + " | spread (decades) |");
        b.AppendLine("|---:|---:|" + string.Concat(seeds.Seeds.Select(_ => "---:|")) + "---:|");
        foreach (var g in seeds.Gammas)
            b.AppendLine(c, $"| {g.Gamma:G3} | {F(g.Median)} | {string.Join(" | ", g.PerSeed.Select(F))} | {(g.SpreadDecades is double x ? x.ToString("F2", c) : "—")} |");
        b.AppendLine();
        b.AppendLine("| side | slope of the medians | ± s.e. | predicted | per seed |");
        b.AppendLine("|---|---:|---:|---:|---:|");
        b.AppendLine(Row("γ ≪ 1 (lazy)", seeds.LazySlope, rule.LazySlope, seeds.PerSeedLazySlopes));
        b.AppendLine(Row("γ ≫ 1 (rich)", seeds.RichSlope, rule.RichSlope, seeds.PerSeedRichSlopes));
        return b.ToString();

        string F(double? v) => v is double x ? x.ToString("G3", c) : "—";
        string Row(string side, LogLogFit? fit, double predicted, IReadOnlyList<double?> each) =>
            $"| {side} | {(fit is null ? "—" : fit.Slope.ToString("F2", c))} | {(fit is null || double.IsNaN(fit.SlopeStandardError) ? "—" : fit.SlopeStandardError.ToString("F2", c))} | " +
            $"{predicted.ToString("G3", c)} | {string.Join(", ", each.Select(x => x is double v ? v.ToString("F2", c) : "—"))} |";
    }

    private static LogLogFit? EdgeFit(SweepResult result, Func<double, bool> side)
    {
        var points = result.Gammas.Where(g => side(g.Gamma) && g.HighestStableLearningRate is not null).ToList();
        return points.Count < 2 ? null
            : LogLogFit.Fit(points.Select(p => p.Gamma).ToList(), points.Select(p => p.HighestStableLearningRate!.Value).ToList());
    }

    private static void Save(string path, string text, List<string> written)
    {
        Infrastructure.AtomicFile.WriteText(path, text);
        written.Add(Path.GetFileName(path));
    }

    private static string Report(FeatureStrengthSettings s, SweepResult r, FeatureStrengthScaling rule, int parallelism,
        LogLogFit? edgeLazy, LogLogFit? edgeRich, IReadOnlyList<string> figures)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine("# Feature-learning strength: the γ–η landscape of online SGD");
        b.AppendLine();
        b.AppendLine(PaperCitation + ".");
        b.AppendLine();
        b.AppendLine("## Setup");
        b.AppendLine();
        b.AppendLine(c, $"- Model: centred mean-field (μP readout) network f = (f_w − f_w₀)/γ, {s.HiddenLayers} hidden layer(s) of width {s.Width}, {s.Activation}, no biases; depth L = {rule.Depth}.");
        b.AppendLine(c, $"- Task: {s.Task}, x ~ N(0, I_{s.InputDimension}); online SGD, {s.BatchSize} fresh samples per step, {s.StepsAt(s.GammaMin)} steps at γ ≤ 1 rising to {s.StepsAt(s.GammaMax)} at γ = {s.GammaMax:G3} (steps = T₀ · (L/2) · (1 + {s.StepGrowthPerDecade:G3} · log₁₀ max(1, γ)), T₀ = {s.Steps}); MSE without ½; held-out set of {s.HeldOutCount}.");
        b.AppendLine(c, $"- Grid: {r.Gammas.Count} γ from {s.GammaMin:G3} to {s.GammaMax:G3} ({s.GammasPerDecade} per decade); η on a lattice of {s.LevelSpacingDecades:G3} decades, each scan starting {s.StartDecadesAboveRule:G3} decade(s) above the rule η = W γ^(2 or 2/L) (W = {rule.WidthFactor:G4}) and ending {s.DecadesBelowFirstStable:G3} decade(s) below the first stable rate. Seed {s.Seed}.");
        b.AppendLine(OptimalRateDefinition);
        b.AppendLine();
        b.AppendLine("## Sweep size and time");
        b.AppendLine();
        b.AppendLine(c, $"{r.Cells.Count} cells ({r.Cells.Count(x => x.Diverged)} diverged, {r.Cells.Count(x => x.Frozen)} frozen: their last {SweepCellResult.FrozenEvaluations} held-out losses equal to the bit, a dead network, not counted as stable), {r.ExecutedCells} trained in this run and {r.ReusedCells} reused from an earlier one; " +
                        $"{parallelism} parallel process(es); wall time {r.WallTime.TotalSeconds:F1} s, training time summed over cells {r.Cells.Sum(x => x.WallSeconds):F1} s.");
        b.AppendLine();
        b.AppendLine("## Optimal learning rate against γ");
        b.AppendLine();
        b.AppendLine("| γ | η* | η* (lattice) | final held-out loss at η* | largest stable η | smallest diverging η above | cells | catapults at η* | catapults at the largest stable η | stable cells with a catapult |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in r.Gammas)
        {
            var column = r.Cells.Where(x => x.Cell.GammaIndex == g.GammaIndex && !x.Diverged).ToList();
            var edge = g.HighestStableLearningRate is double edgeRate ? r.CellAt(g.GammaIndex, edgeRate) : null;
            string withCatapult = column.Any(x => x.CatapultCount is not null)
                ? $"{column.Count(x => x.CatapultCount > 0).ToString(c)} of {column.Count.ToString(c)}" : "—";
            b.AppendLine(c, $"| {g.Gamma:G3} | {F(g.BestLearningRate)} | {F(g.BestLatticeLearningRate)} | {F(g.BestLoss)} | {F(g.HighestStableLearningRate)} | " +
                            $"{(g.LowestDivergentAbove is not null ? F(g.LowestDivergentAbove) : g.HighestStableLearningRate is null ? "every rate diverged" : "none (not bracketed)")} | {g.Cells} | {(g.CatapultCountAtBest?.ToString(c) ?? "—")} | " +
                            $"{(edge?.CatapultCount?.ToString(c) ?? "—")} | {withCatapult} |");
        }
        b.AppendLine();
        if (r.Cells.All(x => x.CatapultCount is null))
        {
            b.AppendLine("Catapult counts are left empty: the sweep ran without a catapult counter.");
        }
        else
        {
            var d = FeatureStrengthSettings.CatapultDetection;
            b.AppendLine(c, $"Catapults are counted on each cell's batch-loss curve by the catapult detector's mini-batch preset: log-loss smoothed by a running median of {d.SmoothingWindow} steps; " +
                            $"an episode starts when the smoothed loss exceeds {d.RiseFactor:G3}× its minimum over the preceding {d.BaselineWindow} steps and counts once it falls back to {d.ReturnFactor:G3}× that level " +
                            $"(no sharpness condition: the curve has no λ). A diverged cell's curve is read up to its divergence, and a rise that never came back is not counted. " +
                            $"{r.Cells.Sum(x => x.CatapultCount ?? 0).ToString(c)} catapults in {r.Cells.Count(x => x.CatapultCount > 0).ToString(c)} of {r.Cells.Count.ToString(c)} cells.");
        }
        b.AppendLine();
        b.AppendLine("## Fitted slopes of log η* against log γ");
        b.AppendLine();
        b.AppendLine(c, $"Least squares on each side of γ = 1, leaving out the crossover band |log₁₀ γ| < {s.SlopeFitExclusionDecades:G3}.");
        b.AppendLine();
        b.AppendLine("| side | points | fitted slope | ± s.e. | predicted | difference | edge-of-stability slope |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        b.AppendLine(SlopeRow("γ ≪ 1 (lazy)", r.LazySlope, rule.LazySlope, edgeLazy, "2"));
        b.AppendLine(SlopeRow("γ ≫ 1 (rich)", r.RichSlope, rule.RichSlope, edgeRich, $"2/L = {rule.RichSlope.ToString("G3", c)}"));
        b.AppendLine();
        b.AppendLine("The edge-of-stability column fits the largest stable rate instead of η*: the two should agree in slope.");
        b.AppendLine();
        b.AppendLine("## Figures");
        b.AppendLine();
        void Figure(string file, string caption) { if (figures.Contains(file)) MarkdownReport.AppendFigure(b, file, caption); }
        Figure(HeatMapFile, "Final held-out loss over the (γ, η) plane; grey: not run; ×: diverged; dots: η*(γ); dashed: the two fits.");
        Figure(SmallGammaCurvesFile, "Batch loss over the first steps for the smallest γ, at the largest stable rate and a decade below, on the same batches: spikes both curves share come from heavy-tailed batches; a rise and fall of the fast run alone is a catapult.");
        Figure(LargeGammaCurvesFile, "Batch loss at η* for the largest γ (running mean of 10 steps): a plateau, then a drop (and further steps when the task has them).");
        Figure(RescaledTimeFile, "Held-out loss of the rich-side γ at their best lattice rate against rescaled time τ = η t / (W γ^(2/L)). The paper finds the trajectories of different large γ alike up to a reparameterisation of time; compare the shapes and the shift of the drop.");
        return b.ToString();

        string F(double? v) => v is double x ? x.ToString("G3", c) : "—";
        string SlopeRow(string side, LogLogFit? fit, double predicted, LogLogFit? edge, string predictedText) => fit is null
            ? $"| {side} | <2 | — | — | {predictedText} | — | {(edge is null ? "—" : edge.Slope.ToString("F2", c))} |"
            : string.Create(c, $"| {side} | {fit.Points} | {fit.Slope:F2} | {(double.IsNaN(fit.SlopeStandardError) ? "—" : fit.SlopeStandardError.ToString("F2", c))} | {predictedText} | {SlopeVerdict.FormatDeviation(fit.Slope - predicted)} | {(edge is null ? "—" : edge.Slope.ToString("F2", c))} |");
    }
}
