namespace Catapults.Study.Infrastructure;

/// <summary>Mean ± sample standard deviation over seeds, and Pearson correlation.</summary>
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
}
