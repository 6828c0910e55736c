using Catapults.ML.Diagnostics;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Whether a catapult's λ_max drop stands out from λ_max's own drift in its run. A catapult only needs λ_max lower
/// after the spike than before it, and between spikes λ_max moves too: a review (5 Dec 2026) found the b = 10
/// catapults of the default batch sweep lowering it by 0.004–0.5 %, about as often as windows without a spike did. So a
/// catapult is <em>clear</em> when its relative drop exceeds the 95th percentile of the relative drops of every window
/// of as many records in the same run that overlaps no spike: a one-sided test at 5 % against the run's own drift.
/// With fewer than <see cref="MinimumWindows"/> such windows it cannot be judged and is not counted clear.
/// </summary>
public static class SharpnessDrift
{
    /// <summary>The drift quantile a clear catapult's drop must exceed.</summary>
    public const double Quantile = 0.95;

    /// <summary>Fewest spike-free windows the quantile is taken over.</summary>
    public const int MinimumWindows = 20;

    /// <summary>
    /// The clear catapults among <paramref name="catapults"/> and the median relative λ_max drop of all of them (in
    /// percent; null without catapults), over the recorded λ_max <paramref name="series"/> (step order) of a run whose
    /// spikes are <paramref name="spikes"/>.
    /// </summary>
    public static (int Clear, double? MedianDropPercent) Of(IReadOnlyList<(int Step, double Sharpness)> series,
        IReadOnlyList<CatapultEvent> spikes, IReadOnlyList<CatapultEvent> catapults)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spikes);
        ArgumentNullException.ThrowIfNull(catapults);
        var drops = new List<double>();
        int clear = 0;
        foreach (var c in catapults)
        {
            int before = series.Select((p, i) => (p, i)).LastOrDefault(t => t.p.Step <= c.StartStep, (default, -1)).Item2;
            int after = series.Select((p, i) => (p, i)).FirstOrDefault(t => t.p.Step >= c.EndStep, (default, -1)).Item2;
            if (before < 0 || after <= before) continue;
            double drop = Drop(series, before, after);
            drops.Add(drop);
            if (Threshold(series, spikes, after - before) is double threshold && drop > threshold) clear++;
        }
        return (clear, drops.Count == 0 ? null : 100 * Median(drops));
    }

    /// <summary>
    /// <see cref="Of(IReadOnlyList{ValueTuple{int, double}}, IReadOnlyList{CatapultEvent}, IReadOnlyList{CatapultEvent})"/>
    /// for a run whose steps.csv records λ_max as <c>lambda_max</c>; null for a run without records or without that column.
    /// </summary>
    public static (int Clear, double? MedianDropPercent)? Of(RunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Rows.Count == 0) return null;
        int column = run.ExtraColumn("lambda_max");
        if (column < 0) return null;
        var series = run.Rows.Where(r => r.Extra[column] is double v && double.IsFinite(v) && v > 0).Select(r => (r.Step, r.Extra[column]!.Value)).ToList();
        var spikes = RunExecutor.DetectorOver(run.Config, run.Rows, -1).Spikes;
        return Of(series, spikes, run.Events);
    }

    /// <summary>The <see cref="Quantile"/> of the relative drops over spike-free windows spanning <paramref name="span"/> records, or null with too few.</summary>
    public static double? Threshold(IReadOnlyList<(int Step, double Sharpness)> series, IReadOnlyList<CatapultEvent> spikes, int span)
    {
        var drops = new List<double>();
        for (int i = 0; i + span < series.Count; i++)
        {
            int from = series[i].Step, to = series[i + span].Step;
            if (spikes.Any(s => s.StartStep < to && s.EndStep > from)) continue;
            drops.Add(Drop(series, i, i + span));
        }
        if (drops.Count < MinimumWindows) return null;
        drops.Sort();
        // The order statistic at or above the quantile: a drop must exceed at least 95 % of the windows'.
        return drops[(int)Math.Ceiling(Quantile * drops.Count) - 1];
    }

    private static double Drop(IReadOnlyList<(int Step, double Sharpness)> series, int from, int to) =>
        (series[from].Sharpness - series[to].Sharpness) / series[from].Sharpness;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
