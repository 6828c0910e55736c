namespace Catapults.ML.Scaling;

/// <summary>One γ's η* over seeds: each seed's η*, the median by <see cref="FeatureStrengthSweep.MedianRate"/> and the spread.</summary>
/// <param name="GammaIndex">Position of γ in the grid.</param>
/// <param name="Gamma">γ.</param>
/// <param name="PerSeed">Each seed's refined η* (null where every rate of that seed diverged), in seed order.</param>
/// <param name="Median">The median η* over the seeds; null unless more than half of them have one.</param>
public sealed record SeedGammaSummary(int GammaIndex, double Gamma, IReadOnlyList<double?> PerSeed, double? Median)
{
    /// <summary>
    /// The spread of η* over the seeds, in decades: log₁₀(max η*) − log₁₀(min η*) over the seeds that have one; null
    /// with fewer than two.
    /// </summary>
    public double? SpreadDecades
    {
        get
        {
            var rates = PerSeed.OfType<double>().ToList();
            return rates.Count < 2 ? null : Math.Log10(rates.Max()) - Math.Log10(rates.Min());
        }
    }
}
