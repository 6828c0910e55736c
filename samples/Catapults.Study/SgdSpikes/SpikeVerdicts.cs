using Catapults.ML.Diagnostics;
using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.SgdSpikes;

/// <summary>
/// The paper's three claims about SGD's loss spikes, each judged over the spikes of every seed's run together: a
/// one-sided test at <see cref="Level"/> of "more spikes do it than chance would", where chance is what each spike
/// would do with no link between spikes and the claim. Each verdict's evidence gives the seeds' own shares, mean ± sd.
/// </summary>
public static class SpikeVerdicts
{
    /// <summary>The level of every test.</summary>
    public const double Level = 0.05;

    /// <summary>The rule, for the report.</summary>
    public static readonly string Rule =
        $"a claim holds when the number of spikes, over every seed's run, that do what it says has a one-sided p ≤ {Level:G2} against chance: " +
        "a spike rises in PL_s or in PL_s⊥ with probability 1/2 each; it starts in a window holding a step with η > η_crit(batch) with its run's share " +
        $"of such windows; and its λ_max drop passes the drift test with probability at most {SharpnessDrift.Level:G2} (that test's level; spikes the " +
        "test cannot judge are left out). p is the Poisson-binomial (binomial) upper tail";

    /// <summary>The three verdicts over <paramref name="runs"/> (every seed), for the top-<paramref name="s"/> eigenspace.</summary>
    public static IReadOnlyList<TrendVerdict> Judge(IReadOnlyList<SpikeRun> runs, int s)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var inTop = runs.Select(r => r.SpikeRisesInTopEigenspace(s).OfType<bool>().ToList()).ToList();
        var above = runs.Select(r => r.SpikeStartsAboveCritical()).ToList();
        var judged = runs.Select(r => r.Spikes.Count - r.UnjudgedSpikes).ToList();
        return new[]
        {
            Verdict($"spikes rise mostly in the top {s} NTK eigendirections (PL_{s} grows more than PL_{s}⊥)",
                inTop.Select(t => (t.Count(x => x), Enumerable.Repeat(0.5, t.Count).ToList())).ToList()),
            Verdict("spikes start where η > η_crit(batch)",
                above.Select((a, i) => (a.Count(x => x), Enumerable.Repeat(runs[i].WindowFractionAboveCritical, a.Count).ToList())).ToList()),
            Verdict("spikes lower λ_max of the probe set beyond its drift (clear catapults)",
                runs.Select((r, i) => (r.ClearSpikes.Count, Enumerable.Repeat(SharpnessDrift.Level, judged[i]).ToList())).ToList()),
        };
    }

    // One claim over the runs: each run's count of spikes that do what the claim says, and each judged spike's chance of it.
    private static TrendVerdict Verdict(string claim, IReadOnlyList<(int Count, List<double> Chances)> runs)
    {
        int count = runs.Sum(r => r.Count);
        var chances = runs.SelectMany(r => r.Chances).ToList();
        if (chances.Count == 0) return new TrendVerdict(claim, VerdictOutcome.NotTested, "no spike to judge");
        // A run's share of windows is NaN only without critical-rate records, which a run with spikes always has.
        if (chances.Any(c => !(c >= 0 && c <= 1))) return new TrendVerdict(claim, VerdictOutcome.NotTested, "a run has no record of its chance level");
        double p = Statistics.UpperTail(chances, count);
        string shares = Statistics.Format(runs.Select(r => r.Chances.Count == 0 ? (double?)null : r.Count / (double)r.Chances.Count), "F2");
        return new TrendVerdict(claim, p <= Level, string.Create(CultureInfo.InvariantCulture,
            $"{count} of {chances.Count} spikes over {runs.Count} seed(s) (share per seed {shares}); chance expects {chances.Sum():F1}; one-sided p = {p:G2}"));
    }
}
