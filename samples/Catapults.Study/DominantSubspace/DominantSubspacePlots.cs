using ScottPlot;

namespace Catapults.Study.DominantSubspace;

/// <summary>The study's figures (ScottPlot, headless PNG): loss curves, χ_k, and sharpness against 2/η.</summary>
public static class DominantSubspacePlots
{
    private const int Width = 900, Height = 560;

    private static readonly Color[] Palette = { new("#1f77b4"), new("#d62728"), new("#2ca02c"), new("#7f7f7f") };

    private static IEnumerable<(ArmResult Arm, Color Color)> Curves(StudyResult r) =>
        new[] { (r.WarmUp, Palette[3]) }.Concat(r.Arms.Select((a, i) => (a, Palette[i % 3])));

    /// <summary>log₁₀ training loss against the step, warm-up in grey, the switch marked.</summary>
    public static void Losses(string path, StudyResult r)
    {
        var plot = new Plot();
        foreach (var (arm, color) in Curves(r))
        {
            if (arm.Losses.Count == 0) continue;
            var line = plot.Add.ScatterLine(arm.Losses.Select(p => (double)p.Step).ToArray(),
                arm.Losses.Select(p => Math.Log10(Math.Max(p.Loss, 1e-12))).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = arm.Name;
        }
        Switch(plot, r);
        plot.Title($"Training loss: SGD, then SGD / Dom-SGD / Bulk-SGD (k = {r.Settings.EffectiveRank})");
        plot.XLabel("step");
        plot.YLabel("log₁₀ training loss (MSE, 1/n Σ‖f − y‖²)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>χ_k of the full-batch gradient against the step.</summary>
    public static void Alignment(string path, StudyResult r)
    {
        var plot = new Plot();
        foreach (var (arm, color) in Curves(r))
        {
            if (arm.Alignment.Count == 0) continue;
            var line = plot.Add.ScatterLine(arm.Alignment.Select(p => (double)p.Step).ToArray(), arm.Alignment.Select(p => p.Alignment).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = arm.Name;
        }
        Switch(plot, r);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title($"Gradient alignment with the top-{r.Settings.EffectiveRank} Hessian eigenspace");
        plot.XLabel("step");
        plot.YLabel("χ_k(g) = ‖P_k g‖ / ‖g‖");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>λ_max of the Hessian against the step, with the edge-of-stability level 2/η.</summary>
    public static void Sharpness(string path, StudyResult r)
    {
        var plot = new Plot();
        foreach (var (arm, color) in Curves(r))
        {
            if (arm.Alignment.Count == 0) continue;
            var line = plot.Add.ScatterLine(arm.Alignment.Select(p => (double)p.Step).ToArray(), arm.Alignment.Select(p => p.Eigenvalues[0]).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = arm.Name;
        }
        var level = plot.Add.HorizontalLine(2 / r.Settings.LearningRate);
        level.LinePattern = LinePattern.Dashed;
        level.Color = Colors.Black;
        level.LegendText = "2/η";
        Switch(plot, r);
        plot.Title("Sharpness λ_max(∇²L) and the edge of stability 2/η");
        plot.XLabel("step");
        plot.YLabel("λ_max");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    private static void Switch(Plot plot, StudyResult r)
    {
        var line = plot.Add.VerticalLine(r.Settings.WarmUpSteps);
        line.LinePattern = LinePattern.Dotted;
        line.Color = Colors.Gray;
    }
}
