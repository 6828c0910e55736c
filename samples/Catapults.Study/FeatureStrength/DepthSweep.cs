using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>One depth's finished sweep over its seeds: its depth L, the settings it ran with and its result.</summary>
/// <param name="Depth">L.</param>
/// <param name="Settings">The depth's settings.</param>
/// <param name="Seeds">Every seed's sweep, the median η* per γ and the slopes fitted to the medians.</param>
internal sealed record DepthSweep(int Depth, FeatureStrengthSettings Settings, SeedSweepResult Seeds)
{
    /// <summary>The first seed's sweep: the one whose cells the figures draw.</summary>
    public SweepResult Result => Seeds.PerSeed[0];
}
