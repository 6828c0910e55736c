namespace Catapults.Study.BatchSweep;

/// <summary>
/// The one learning rate of a batch sweep and the critical rates it was placed by (all at initialisation, seed 0).
/// </summary>
/// <param name="LearningRate">η, shared by every run.</param>
/// <param name="GdCriticalRate">η_crit of the full batch, n / λ_max(K).</param>
/// <param name="Surveys">The batch critical rates of one epoch for each batch size, largest batch first.</param>
/// <param name="Rule">How η was chosen, in words.</param>
public sealed record LearningRateChoice(double LearningRate, double GdCriticalRate, IReadOnlyList<BatchCriticalRates> Surveys, string Rule)
{
    /// <summary>
    /// The critical-rate rule: η = √(median η_crit(b_min) · η_crit(GD)), the geometric midpoint between the median
    /// critical rate of the smallest batches and the full batch's. GD then trains below its critical rate by the same
    /// factor by which the typical smallest batch is above its own, which is the paper's regime (an η above the
    /// critical rate of many small batches and below that of GD). <paramref name="fraction"/> (η = fraction ×
    /// η_crit(GD)) and <paramref name="fixedRate"/> override it.
    /// </summary>
    public static LearningRateChoice Choose(double gdCriticalRate, IReadOnlyList<BatchCriticalRates> surveys, double? fraction, double? fixedRate)
    {
        var ordered = surveys.OrderByDescending(s => s.BatchSize).ToList();
        if (fixedRate is double eta) return new(eta, gdCriticalRate, ordered, "fixed by --learning-rate");
        if (fraction is double f)
            return new(f * gdCriticalRate, gdCriticalRate, ordered, $"η = {F(f)} × η_crit(GD at initialisation), set by --rate-fraction");
        var smallest = ordered[^1];
        double median = smallest.Median;
        double rate = Math.Sqrt(median * gdCriticalRate);
        return new(rate, gdCriticalRate, ordered,
            $"η = √(median η_crit(b = {smallest.BatchSize}) × η_crit(GD)) = √({F(median)} × {F(gdCriticalRate)}), the geometric midpoint between the " +
            "typical critical rate of the smallest batches and the full batch's, both at initialisation");
    }

    /// <summary>Whether η lies in the paper's regime: below η_crit(GD) and above the median critical rate of the smallest batches.</summary>
    public bool InPaperRegime => Surveys.Count > 0 && LearningRate < GdCriticalRate && Surveys[^1].BatchSize < Surveys[0].BatchSize
                                 && LearningRate > Surveys[^1].Median;

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
