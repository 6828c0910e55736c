using Catapults.ML.Runtime;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.BatchSweep;

/// <summary>A claim of the paper checked on a sweep's runs: whether it holds, and the numbers it was judged on.</summary>
/// <param name="Claim">The claim, e.g. "AGOP alignment increases as the batch size decreases".</param>
/// <param name="Outcome">Whether it holds by the stated rule, fails, or could not be tested on these runs.</param>
/// <param name="Evidence">The figures behind the verdict, with the seeds' spread, or why it could not be tested.</param>
public sealed record TrendVerdict(string Claim, VerdictOutcome Outcome, string Evidence)
{
    /// <summary>A verdict on a claim the runs could judge.</summary>
    public TrendVerdict(string claim, bool holds, string evidence) : this(claim, VerdictOutcomeText.Judged(holds), evidence) { }

    /// <summary>Whether the claim holds by the stated rule.</summary>
    public bool Holds => Outcome == VerdictOutcome.Holds;

    /// <summary>"holds", "fails" or "not tested".</summary>
    public string Word => Outcome.Word();

    /// <summary>The rule <see cref="Monotone"/> applies, for the report.</summary>
    public const string MonotoneRule =
        "a trend holds when the mean over seeds moves in the claimed direction (or stays equal) between every pair of adjacent batch sizes, " +
        "and the smallest and largest batch sizes differ in that direction by more than the sum of their standard deviations over seeds";

    /// <summary>The rule <see cref="Correlation"/> applies, for the report.</summary>
    public const string CorrelationRule =
        "a correlation holds when Pearson's r across runs has the claimed sign and a one-sided permutation test (10,000 permutations, fixed seed) gives p < 0.05";

    /// <summary>
    /// Checks that <paramref name="claim"/>'s quantity changes monotonically as the batch size shrinks:
    /// <paramref name="increases"/> true for "increases as b decreases". <paramref name="groups"/> holds, for each
    /// batch size, the values of its runs (null or non-finite values, e.g. diverged runs, are left out).
    /// </summary>
    public static TrendVerdict Monotone(string claim, IReadOnlyList<(int BatchSize, IReadOnlyList<double?> Values)> groups, bool increases, string format = "G3")
    {
        var ordered = groups.OrderByDescending(g => g.BatchSize).Select(g => (g.BatchSize, Stats: Statistics.MeanSd(g.Values))).ToList();
        string evidence = string.Join(" → ", ordered.Select(g => $"b = {g.BatchSize}: {Fmt(g.Stats.Mean, format)} ± {Fmt(g.Stats.Sd, format)}"));
        if (ordered.Count < 2) return new(claim, VerdictOutcome.NotTested, evidence + " (fewer than two batch sizes)");
        var missing = ordered.Where(g => g.Stats.Count == 0).Select(g => g.BatchSize).ToList();
        if (missing.Count > 0) return new(claim, VerdictOutcome.NotTested, evidence + $" (no finished run at b = {string.Join(", ", missing)})");
        double sign = increases ? 1 : -1;
        var reversals = new List<string>();
        var ties = new List<string>();
        for (int i = 1; i < ordered.Count; i++)
        {
            double step = sign * (ordered[i].Stats.Mean - ordered[i - 1].Stats.Mean);
            string pair = $"b = {ordered[i - 1].BatchSize} → {ordered[i].BatchSize}";
            if (step < 0) reversals.Add(pair);
            else if (Math.Abs(step) <= ordered[i].Stats.Sd + ordered[i - 1].Stats.Sd) ties.Add(pair);
        }
        var (first, last) = (ordered[0].Stats, ordered[^1].Stats);
        double gap = sign * (last.Mean - first.Mean);
        double spread = first.Sd + last.Sd;
        bool separated = gap > spread;
        evidence += $"; extremes differ by {Fmt(gap, format)} in the claimed direction against a combined sd of {Fmt(spread, format)}";
        if (reversals.Count > 0) evidence += $"; reversed at {string.Join(", ", reversals)}";
        if (ties.Count > 0) evidence += $"; within the seeds' spread at {string.Join(", ", ties)}";
        return new(claim, reversals.Count == 0 && separated, evidence);
    }

    /// <summary>
    /// Checks that <paramref name="claim"/>'s two quantities correlate across runs with sign
    /// <paramref name="expectedSign"/> (+1 or −1): Pearson's r and a one-sided permutation p-value.
    /// </summary>
    public static TrendVerdict Correlation(string claim, IReadOnlyList<(double? X, double? Y)> pairs, int expectedSign)
    {
        var p = pairs.Where(q => q.X is double x && q.Y is double y && double.IsFinite(x) && double.IsFinite(y)).Select(q => (X: q.X!.Value, Y: q.Y!.Value)).ToList();
        double r = Statistics.Pearson(p.Select(q => ((double?)q.X, (double?)q.Y)));
        if (p.Count < 3 || double.IsNaN(r)) return new(claim, VerdictOutcome.NotTested, $"r undefined over {p.Count} runs");
        double pValue = PermutationPValue(p, r, expectedSign);
        bool holds = Math.Sign(r) == Math.Sign(expectedSign) && pValue < 0.05;
        return new(claim, holds, $"r = {r.ToString("F2", CultureInfo.InvariantCulture)} over {p.Count} runs, one-sided permutation p = {pValue.ToString("G2", CultureInfo.InvariantCulture)}");
    }

    private static double PermutationPValue(IReadOnlyList<(double X, double Y)> pairs, double observed, int expectedSign)
    {
        const int permutations = 10_000;
        var rng = Seeding.DotNetRandom(0, Seeding.Stream.Diagnostics);
        var ys = pairs.Select(q => q.Y).ToArray();
        int atLeast = 0;
        for (int k = 0; k < permutations; k++)
        {
            rng.Shuffle(ys);
            double r = Statistics.Pearson(pairs.Select((q, i) => ((double?)q.X, (double?)ys[i])));
            if (Math.Sign(expectedSign) * r >= Math.Sign(expectedSign) * observed) atLeast++;
        }
        // The observed arrangement counts as one of the permutations, so p is never 0.
        return (atLeast + 1) / (double)(permutations + 1);
    }

    private static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
