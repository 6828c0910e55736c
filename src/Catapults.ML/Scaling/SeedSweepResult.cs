namespace Catapults.ML.Scaling;

/// <summary>
/// A γ–η sweep repeated over seeds (initial weights, online stream and held-out set): each seed's own
/// <see cref="SweepResult"/>, the median η* per γ, the slopes fitted to the medians, and each seed's own slopes as the
/// spread. Built by <see cref="FeatureStrengthSweep.CombineSeeds"/>.
/// </summary>
public sealed class SeedSweepResult
{
    /// <summary>Creates the result.</summary>
    public SeedSweepResult(IReadOnlyList<long> seeds, IReadOnlyList<SweepResult> perSeed, IReadOnlyList<SeedGammaSummary> gammas,
        LogLogFit? lazySlope, LogLogFit? richSlope)
    {
        Seeds = seeds; PerSeed = perSeed; Gammas = gammas; LazySlope = lazySlope; RichSlope = richSlope;
    }

    /// <summary>The seeds, in order.</summary>
    public IReadOnlyList<long> Seeds { get; }

    /// <summary>Each seed's sweep (its cells, its η* and its own slope fits), in seed order.</summary>
    public IReadOnlyList<SweepResult> PerSeed { get; }

    /// <summary>η* over the seeds, one per γ in grid order.</summary>
    public IReadOnlyList<SeedGammaSummary> Gammas { get; }

    /// <summary>Fit of log median η* against log γ on the lazy side (predicted slope 2); null with fewer than two γ.</summary>
    public LogLogFit? LazySlope { get; }

    /// <summary>Fit of log median η* against log γ on the rich side (predicted slope 2/L); null with fewer than two γ.</summary>
    public LogLogFit? RichSlope { get; }

    /// <summary>The seeds' own lazy-side slopes (null where a seed has no fit), in seed order.</summary>
    public IReadOnlyList<double?> PerSeedLazySlopes => PerSeed.Select(r => r.LazySlope?.Slope).ToList();

    /// <summary>The seeds' own rich-side slopes (null where a seed has no fit), in seed order.</summary>
    public IReadOnlyList<double?> PerSeedRichSlopes => PerSeed.Select(r => r.RichSlope?.Slope).ToList();
}
