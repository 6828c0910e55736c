namespace Catapults.ML.Diagnostics;

/// <summary>
/// Whether a catapult's λ_max drop stands out from λ_max's own drift in its run. A catapult only needs λ_max lower
/// after the spike than before it, and between spikes λ_max moves too: a review (5 Dec 2026) found the b = 10
/// catapults of the study's default batch sweep lowering it by 0.004–0.5 %, about as often as windows without a spike
/// did. So a catapult is <em>clear</em> when its relative drop passes a one-sided rank test at <see cref="Level"/>
/// against the relative drops of the n windows of as many λ_max records in the same run that overlap no spike:
/// p = (1 + #{windows dropping at least as much}) / (n + 1) ≤ <see cref="Level"/>. Were the catapult's drop one more
/// draw of the drift, that p would be uniform over 1/(n + 1) … 1, so the test is wrong at most at its level. With fewer
/// than <see cref="MinimumWindows"/> such windows a catapult cannot be judged and is not clear.
/// </summary>
public static class SharpnessDrift
{
    /// <summary>The level of the rank test a clear catapult's drop passes: the share of drift it may be mistaken for at most.</summary>
    public const double Level = 0.05;

    /// <summary>Fewest spike-free windows a catapult is judged against (the test can pass from 19 on, at 1/(n + 1) ≤ <see cref="Level"/>).</summary>
    public const int MinimumWindows = 20;

    /// <summary>
    /// The clear catapults among <paramref name="catapults"/>, over the λ_max recorded in <paramref name="points"/>
    /// (points without a finite, positive sharpness are skipped) of a run whose spikes are <paramref name="spikes"/>.
    /// </summary>
    public static IReadOnlyList<CatapultEvent> Clear(IReadOnlyList<LossPoint> points, IReadOnlyList<CatapultEvent> spikes, IReadOnlyList<CatapultEvent> catapults) =>
        Judge(points, spikes, catapults).Clear;

    /// <summary>
    /// The catapults among <paramref name="catapults"/> that cannot be judged: fewer than <see cref="MinimumWindows"/>
    /// spike-free windows of their length, or no λ_max record before or after them. They are not counted clear.
    /// </summary>
    public static IReadOnlyList<CatapultEvent> Unjudged(IReadOnlyList<LossPoint> points, IReadOnlyList<CatapultEvent> spikes, IReadOnlyList<CatapultEvent> catapults) =>
        Judge(points, spikes, catapults).Unjudged;

    /// <summary>
    /// <see cref="Clear"/> and <see cref="Unjudged"/> together, from one pass over the records (a report that shows both
    /// need not take every span's threshold twice).
    /// </summary>
    public static (IReadOnlyList<CatapultEvent> Clear, IReadOnlyList<CatapultEvent> Unjudged) Judge(
        IReadOnlyList<LossPoint> points, IReadOnlyList<CatapultEvent> spikes, IReadOnlyList<CatapultEvent> catapults)
    {
        ArgumentNullException.ThrowIfNull(spikes);
        var series = Series(points);
        var thresholds = Thresholds(series, spikes);
        var clear = new List<CatapultEvent>();
        var judged = new HashSet<CatapultEvent>(ReferenceEqualityComparer.Instance);
        foreach (var (c, before, after) in Spans(series, catapults))
        {
            if (thresholds(after - before) is not double threshold) continue;
            judged.Add(c);
            // A drop that stands out must be a drop: where λ_max rises between spikes the threshold can be negative.
            if (Drop(series, before, after) > Math.Max(threshold, 0)) clear.Add(c);
        }
        return (clear, catapults.Where(c => !judged.Contains(c)).ToList());
    }

    /// <summary>The median relative λ_max drop of <paramref name="catapults"/> over <paramref name="points"/>' records, in percent; null without one.</summary>
    public static double? MedianDropPercent(IReadOnlyList<LossPoint> points, IReadOnlyList<CatapultEvent> catapults)
    {
        var series = Series(points);
        var drops = Spans(series, catapults).Select(s => Drop(series, s.Before, s.After)).Order().ToList();
        int n = drops.Count;
        return n == 0 ? null : 100 * (n % 2 == 1 ? drops[n / 2] : 0.5 * (drops[n / 2 - 1] + drops[n / 2]));
    }

    /// <summary>
    /// The relative drop a clear catapult spanning <paramref name="span"/> of <paramref name="points"/>' λ_max records
    /// must exceed: the order statistic of the n windows' drops (windows of that span overlapping none of
    /// <paramref name="spikes"/>) above which at most ⌊<see cref="Level"/>·(n + 1)⌋ − 1 of them lie, so that a larger
    /// drop has p ≤ <see cref="Level"/>; null with fewer than <see cref="MinimumWindows"/> windows.
    /// </summary>
    public static double? Threshold(IReadOnlyList<LossPoint> points, IReadOnlyList<CatapultEvent> spikes, int span) =>
        Threshold(Series(points), spikes ?? throw new ArgumentNullException(nameof(spikes)), span);

    // The thresholds of one stream, each span's computed once: a long run has many catapults of few distinct lengths.
    private static Func<int, double?> Thresholds(List<LossPoint> series, IReadOnlyList<CatapultEvent> spikes)
    {
        var known = new Dictionary<int, double?>();
        return span => known.TryGetValue(span, out var t) ? t : known[span] = Threshold(series, spikes, span);
    }

    private static double? Threshold(List<LossPoint> series, IReadOnlyList<CatapultEvent> spikes, int span)
    {
        if (span < 1) throw new ArgumentOutOfRangeException(nameof(span), span, "A window spans at least one record.");
        // Spikes sorted by start; a window (from, to) overlaps one only if the last spike starting before `to` ends after
        // `from`, or, for episodes that overlap each other, any earlier one does: the running maximum of their ends says so.
        var sorted = spikes.OrderBy(s => s.StartStep).ToArray();
        var starts = sorted.Select(s => s.StartStep).ToArray();
        var latestEnd = new int[sorted.Length];
        for (int k = 0; k < sorted.Length; k++) latestEnd[k] = Math.Max(sorted[k].EndStep, k > 0 ? latestEnd[k - 1] : int.MinValue);
        var drops = new List<double>();
        for (int i = 0; i + span < series.Count; i++)
        {
            int from = series[i].Step, to = series[i + span].Step;
            int last = Array.BinarySearch(starts, to - 1);
            last = last >= 0 ? LastAtMost(starts, last) : ~last - 1;
            if (last >= 0 && latestEnd[last] > from) continue;
            drops.Add(Drop(series, i, i + span));
        }
        if (drops.Count < MinimumWindows) return null;
        drops.Sort();
        // A drop above the (n − m)-th smallest has at most m window drops at or above it, so p ≤ (1 + m)/(n + 1); the
        // largest m with that at most the level. The guard keeps a product that should be whole from rounding below it.
        int above = (int)Math.Floor(Level * (drops.Count + 1) + 1e-9) - 1;
        return drops[drops.Count - 1 - above];
    }

    // Each catapult with the records it is measured between: the last at or before its start, the first at or after its end.
    private static IEnumerable<(CatapultEvent Event, int Before, int After)> Spans(List<LossPoint> series, IReadOnlyList<CatapultEvent> catapults)
    {
        ArgumentNullException.ThrowIfNull(catapults);
        foreach (var c in catapults)
        {
            int before = series.FindLastIndex(p => p.Step <= c.StartStep);
            int after = series.FindIndex(p => p.Step >= c.EndStep);
            if (before >= 0 && after > before) yield return (c, before, after);
        }
    }

    // The last index whose start equals starts[found] (equal starts sit side by side).
    private static int LastAtMost(int[] starts, int found)
    {
        while (found + 1 < starts.Length && starts[found + 1] == starts[found]) found++;
        return found;
    }

    private static List<LossPoint> Series(IReadOnlyList<LossPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return points.Where(p => p.Sharpness is double s && double.IsFinite(s) && s > 0).ToList();
    }

    private static double Drop(List<LossPoint> series, int from, int to) =>
        (series[from].Sharpness!.Value - series[to].Sharpness!.Value) / series[from].Sharpness!.Value;
}
