using System.Globalization;

namespace Catapults.ML.Scaling;

/// <summary>
/// One cell of a γ–η sweep: a training run at feature-learning strength <see cref="Gamma"/> and learning rate
/// <see cref="LearningRate"/>. Rates sit on a logarithmic lattice, η = 10^(<see cref="Level"/> · Δ) with Δ the level
/// spacing in decades, so cells of different γ share rows of the heat map.
/// </summary>
/// <param name="GammaIndex">Position of γ in the sweep's grid (from 0).</param>
/// <param name="Gamma">The feature-learning strength γ.</param>
/// <param name="Level">The lattice level k of the rate.</param>
/// <param name="LearningRate">The raw SGD rate η = 10^(k·Δ).</param>
public sealed record SweepCell(int GammaIndex, double Gamma, int Level, double LearningRate)
{
    /// <summary>A file-name-safe identifier, e.g. <c>g03_k-012</c>.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"g{GammaIndex:D2}_k{(Level < 0 ? "-" : "+")}{Math.Abs(Level):D3}");

    /// <summary>The rate at lattice level <paramref name="level"/> for a spacing of <paramref name="spacingDecades"/>.</summary>
    public static double RateAtLevel(int level, double spacingDecades) => Math.Pow(10, level * spacingDecades);

    /// <summary>The lowest lattice level whose rate is at least <paramref name="rate"/>.</summary>
    public static int LevelAtOrAbove(double rate, double spacingDecades) =>
        (int)Math.Ceiling(Math.Log10(rate) / spacingDecades - 1e-9);
}
