using Catapults.Study.Infrastructure;
using ScottPlot;

namespace Catapults.Study.DominantSubspace;

/// <summary>The study's figures (ScottPlot, headless PNG): loss curves, χ_k, and sharpness against 2/η.</summary>
public static class DominantSubspacePlots
{
    private const int Width = 900, Height = 560;

    /// <summary>log₁₀ training loss against the step, warm-up in grey, the switch marked.</summary>
    public static void Losses(string path, StudyResult r)
    {
        var plot = ArmCurves(r, arm => arm.Losses.Select(p => ((double)p.Step, Math.Log10(Math.Max(p.Loss, 1e-12)))), markerSize: 0);
        Finish(plot, path, r, $"Training loss: {r.Settings.BaseName}, then {r.Settings.BaseName} / Dom-{r.Settings.BaseName} / Bulk-{r.Settings.BaseName} (k = {r.Settings.EffectiveRank})",
            "log₁₀ training loss (MSE, 1/n Σ‖f − y‖²)", ScottPlot.Alignment.UpperRight);
    }

    /// <summary>χ_k of the full-batch gradient against the step.</summary>
    public static void Alignment(string path, StudyResult r)
    {
        var plot = ArmCurves(r, arm => arm.Alignment.Select(p => ((double)p.Step, p.Alignment)), markerSize: 5);
        plot.Axes.SetLimitsY(0, 1.05);
        Finish(plot, path, r, $"Gradient alignment with the top-{r.Settings.EffectiveRank} Hessian eigenspace",
            "χ_k(g) = ‖P_k g‖ / ‖g‖", ScottPlot.Alignment.LowerRight);
    }

    /// <summary>λ_max of the Hessian against the step, with the edge-of-stability level 2/η.</summary>
    public static void Sharpness(string path, StudyResult r)
    {
        var plot = ArmCurves(r, arm => arm.Alignment.Select(p => ((double)p.Step, p.Eigenvalues[0])), markerSize: 5);
        var level = plot.Add.HorizontalLine(2 / r.Settings.LearningRate);
        level.LinePattern = LinePattern.Dashed;
        level.Color = Colors.Black;
        level.LegendText = r.SgdWarmUp is null ? "2/η" : "2/η (GD)";
        Finish(plot, path, r, "Sharpness λ_max(∇²L) and the edge of stability 2/η", "λ_max", ScottPlot.Alignment.LowerRight);
    }

    /// <summary>One line per arm (the warm-up in grey, then the study's colours), skipping arms without points.</summary>
    private static Plot ArmCurves(StudyResult r, Func<ArmResult, IEnumerable<(double Step, double Value)>> points, int markerSize)
    {
        var plot = new Plot();
        var phases = r.SgdWarmUp is null ? new[] { (r.WarmUp, Colors.Gray) } : new[] { (r.SgdWarmUp, Colors.Black), (r.WarmUp, Colors.Gray) };
        var arms = phases.Concat(r.Arms.Select((a, i) => (a, Plots.ColorOf(i))));
        foreach (var (arm, color) in arms)
        {
            var xy = points(arm).ToArray();
            if (xy.Length == 0) continue;
            var line = plot.Add.ScatterLine(xy.Select(p => p.Step).ToArray(), xy.Select(p => p.Value).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = markerSize;
            line.LegendText = arm.Name;
        }
        return plot;
    }

    /// <summary>Marks the switch from warm-up to the arms, labels the figure and writes it.</summary>
    private static void Finish(Plot plot, string path, StudyResult r, string title, string yLabel, ScottPlot.Alignment legend)
    {
        var line = plot.Add.VerticalLine(r.Settings.SwitchStep);
        line.LinePattern = LinePattern.Dotted;
        line.Color = Colors.Gray;
        Catapults.Study.Infrastructure.Plots.Save(plot, path, title, "step", yLabel, legend, Width, Height);
    }
}
