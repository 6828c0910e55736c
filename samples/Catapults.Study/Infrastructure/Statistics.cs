namespace Catapults.Study.Infrastructure;

/// <summary>Mean ± sample standard deviation over seeds, Pearson correlation, and the chance of a count of successes.</summary>
public static class Statistics
{
    /// <summary>Mean and sample standard deviation of the finite values (NaN when there are none).</summary>
    public static (double Mean, double Sd, int Count) MeanSd(IEnumerable<double?> values)
    {
        var v = values.Where(x => x is double d && double.IsFinite(d)).Select(x => x!.Value).ToList();
        if (v.Count == 0) return (double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return (mean, sd, v.Count);
    }

    /// <summary>"mean ± sd" with <paramref name="format"/>, or "n/a".</summary>
    public static string Format(IEnumerable<double?> values, string format = "G3")
    {
        var (mean, sd, count) = MeanSd(values);
        return count == 0 ? "n/a" : $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)}";
    }

    /// <summary>Pearson correlation of the pairs whose values are both finite (NaN with fewer than 3).</summary>
    public static double Pearson(IEnumerable<(double? X, double? Y)> pairs)
    {
        var p = pairs.Where(q => q.X is double x && q.Y is double y && double.IsFinite(x) && double.IsFinite(y)).Select(q => (q.X!.Value, q.Y!.Value)).ToList();
        if (p.Count < 3) return double.NaN;
        double mx = p.Average(q => q.Item1), my = p.Average(q => q.Item2);
        double sxy = p.Sum(q => (q.Item1 - mx) * (q.Item2 - my));
        double sxx = p.Sum(q => (q.Item1 - mx) * (q.Item1 - mx)), syy = p.Sum(q => (q.Item2 - my) * (q.Item2 - my));
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>
    /// P(X ≥ <paramref name="observed"/>) for X the number of successes among independent trials with success
    /// probabilities <paramref name="probabilities"/> (the Poisson-binomial law; the binomial where they are equal): the
    /// one-sided p-value of at least that many successes by chance alone.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A probability is not in [0, 1].</exception>
    public static double UpperTail(IReadOnlyList<double> probabilities, int observed)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (observed <= 0) return 1;
        int n = probabilities.Count;
        if (observed > n) return 0;
        // mass[k] = P(k successes among the trials so far), one trial at a time; the tail is summed directly rather
        // than as 1 − P(X < observed), which would lose a small p-value to rounding.
        var mass = new double[n + 1];
        mass[0] = 1;
        for (int i = 0; i < n; i++)
        {
            double p = probabilities[i];
            if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(probabilities), p, $"Probability {i} must be in [0, 1].");
            for (int k = i + 1; k >= 1; k--) mass[k] = mass[k] * (1 - p) + mass[k - 1] * p;
            mass[0] *= 1 - p;
        }
        double tail = 0;
        for (int k = observed; k <= n; k++) tail += mass[k];
        return Math.Min(tail, 1);
    }
}
