using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;
using ScottPlot;

namespace Catapults.Study.FeatureStrength;

/// <summary>The study's figures, drawn headless with ScottPlot (SkiaSharp) as PNG files. Axes carry log₁₀ values.</summary>
internal static class FeatureStrengthPlots
{
    private const int Width = 900, Height = 620;

    /// <summary>
    /// Heat map of log₁₀ final held-out loss over (log₁₀ γ, log₁₀ η): grey where no cell ran, × where training
    /// diverged, η*(γ) marked, and the two fitted lines.
    /// </summary>
    public static bool HeatMap(string path, SweepResult result, double spacing, FeatureStrengthScaling rule)
    {
        var gammas = result.Gammas.Select(g => g.Gamma).ToArray();
        if (gammas.Length < 2 || result.Cells.Count == 0) return false;
        int top = result.Cells.Max(c => c.Cell.Level), bottom = result.Cells.Min(c => c.Cell.Level);
        if (top == bottom) return false;
        // ScottPlot cannot scale a colour map without one finite value: with every cell diverged there is no map to draw.
        if (!result.Cells.Any(c => c.SelectionLoss is double l && l > 0 && double.IsFinite(l))) return false;
        var data = new double[top - bottom + 1, gammas.Length];
        for (int r = 0; r < data.GetLength(0); r++)
            for (int c = 0; c < data.GetLength(1); c++) data[r, c] = double.NaN;
        foreach (var cell in result.Cells)
            if (cell.SelectionLoss is double loss && loss > 0 && double.IsFinite(loss))
                data[top - cell.Cell.Level, cell.Cell.GammaIndex] = Math.Log10(loss);

        var plot = new Plot();
        var map = plot.Add.Heatmap(data);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.NaNCellColor = Colors.LightGray;
        // The extent names the centres of the corner cells.
        map.Extent = new CoordinateRect(Math.Log10(gammas[0]), Math.Log10(gammas[^1]), bottom * spacing, top * spacing);
        var bar = plot.Add.ColorBar(map);
        bar.Label = "log₁₀ final held-out loss";

        var diverged = result.Cells.Where(c => c.Diverged).ToList();
        if (diverged.Count > 0)
        {
            var marks = plot.Add.ScatterPoints(diverged.Select(c => Math.Log10(c.Cell.Gamma)).ToArray(),
                diverged.Select(c => c.Cell.Level * spacing).ToArray());
            marks.MarkerShape = MarkerShape.Eks;
            marks.MarkerSize = 7;
            marks.Color = Colors.Black.WithAlpha(0.55);
            marks.LegendText = "diverged";
        }
        var best = result.Gammas.Where(g => g.BestLearningRate is not null).ToList();
        var stars = plot.Add.ScatterPoints(best.Select(g => Math.Log10(g.Gamma)).ToArray(),
            best.Select(g => Math.Log10(g.BestLearningRate!.Value)).ToArray());
        stars.MarkerShape = MarkerShape.FilledCircle;
        stars.MarkerSize = 11;
        stars.Color = Colors.OrangeRed;
        stars.LegendText = "η*(γ)";
        AddFit(plot, result.LazySlope, gammas[0], Math.Min(1, gammas[^1]), $"lazy fit: slope {result.LazySlope?.Slope:F2} (predicted 2)", Colors.DeepSkyBlue);
        AddFit(plot, result.RichSlope, Math.Max(1, gammas[0]), gammas[^1], $"rich fit: slope {result.RichSlope?.Slope:F2} (predicted 2/L = {rule.RichSlope:G3})", Colors.Magenta);
        Plots.Save(plot, path, "Final held-out loss over the (γ, η) plane", "log₁₀ γ (feature-learning strength)",
            "log₁₀ η (raw SGD learning rate)", Alignment.LowerRight, Width, Height);
        return true;
    }

    private static void AddFit(Plot plot, LogLogFit? fit, double from, double to, string label, Color color)
    {
        if (fit is null || !(to > from)) return;
        var line = plot.Add.Line(Math.Log10(from), Math.Log10(fit.Predict(from)), Math.Log10(to), Math.Log10(fit.Predict(to)));
        line.LineWidth = 2.5f;
        line.LinePattern = LinePattern.Dashed;
        line.Color = color;
        line.LegendText = label;
    }

    /// <summary>
    /// Batch-loss curves (log₁₀) of the given cells over their first <paramref name="maxSteps"/> steps, optionally
    /// smoothed by a running mean.
    /// </summary>
    public static bool LossCurves(string path, IReadOnlyList<(string Label, SweepCellResult Cell)> curves, int smoothing, int maxSteps, string title)
    {
        if (curves.Count == 0) return false;
        var plot = new Plot();
        for (int i = 0; i < curves.Count; i++)
        {
            var losses = RunningMean(curves[i].Cell.BatchLosses.Take(maxSteps).ToArray(), smoothing);
            var ys = losses.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();
            var line = plot.Add.ScatterLine(Enumerable.Range(0, ys.Length).Select(t => (double)t).ToArray(), ys);
            line.Color = Plots.ColorOf(i);
            line.LineWidth = 1.5f;
            line.LegendText = curves[i].Label;
        }
        Plots.Save(plot, path, title, "step t", smoothing > 1 ? $"log₁₀ batch loss (mean of {smoothing} steps)" : "log₁₀ batch loss",
            Alignment.UpperRight, Width, Height);
        return true;
    }

    /// <summary>Held-out loss curves of large-γ cells against rescaled time τ = η t / (W γ^(2/L)).</summary>
    public static bool RescaledTime(string path, IReadOnlyList<SweepCellResult> cells, FeatureStrengthScaling rule)
    {
        if (cells.Count == 0) return false;
        var plot = new Plot();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            double scale = cell.Cell.LearningRate / rule.LearningRate(1.0, cell.Cell.Gamma);
            var xs = cell.TestLossSteps.Select(t => t * scale).ToArray();
            var ys = cell.TestLosses.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.Color = Plots.ColorOf(i);
            line.LineWidth = 2f;
            line.MarkerSize = 0;
            line.LegendText = $"γ = {cell.Cell.Gamma:G3}, η = {cell.Cell.LearningRate:G3}";
        }
        Plots.Save(plot, path, "Large γ: held-out loss against rescaled time", "τ = η t / (W γ^(2/L))", "log₁₀ held-out loss",
            Alignment.UpperRight, Width, Height);
        return true;
    }

    private static double[] RunningMean(IReadOnlyList<double> values, int window)
    {
        if (window <= 1) return values.ToArray();
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
