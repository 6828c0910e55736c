using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>One seed's finished learning-rate scan of one γ, as scan.json holds it.</summary>
/// <param name="Seed">The seed (initial weights, online stream and held-out set).</param>
/// <param name="Cells">The rates the scan asked for, with their results.</param>
internal sealed record SeedScan(long Seed, IReadOnlyList<SweepCellResult> Cells);
