using Catapults.ML.Runtime;

namespace Catapults.ML.Features;

/// <summary>Options of <see cref="AgopFeatureMap"/>.</summary>
public sealed class AgopFeatureMapOptions
{
    /// <summary>Which map; default <see cref="AgopFeatureMapKind.MatrixPower"/>.</summary>
    public AgopFeatureMapKind Kind { get; set; } = AgopFeatureMapKind.MatrixPower;

    /// <summary>The power p of x ↦ G^p x; default 0.5. Used by <see cref="AgopFeatureMapKind.MatrixPower"/> only; must be positive.</summary>
    public double Power { get; set; } = 0.5;

    /// <summary>The number r of eigenvectors kept; default 10. Used by <see cref="AgopFeatureMapKind.TopEigenvectors"/> only; 1 ≤ r ≤ d.</summary>
    public int Rank { get; set; } = 10;

    /// <summary>
    /// Divide G by its trace before fitting, so the map does not depend on the scale of the model's outputs; default
    /// false. (Eigenvectors, and so <see cref="AgopFeatureMapKind.TopEigenvectors"/>, do not depend on it.)
    /// </summary>
    public bool NormalizeTrace { get; set; }

    /// <summary>Rows per matrix product in <see cref="AgopFeatureMap.Transform(Tensor)"/>; default 4096.</summary>
    public int BatchSize { get; set; } = 4096;

    /// <summary>A copy of these options.</summary>
    public AgopFeatureMapOptions Clone() => (AgopFeatureMapOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        OptionChecks.RequireDefined(Kind, "AgopFeatureMapOptions.Kind", nameof(Kind));
        if (!double.IsFinite(Power) || Power <= 0)
            throw new ArgumentException($"AgopFeatureMapOptions.Power must be finite and positive, got {Power}.", nameof(Power));
        if (Rank < 1) throw new ArgumentException($"AgopFeatureMapOptions.Rank must be at least 1, got {Rank}.", nameof(Rank));
        if (BatchSize < 1) throw new ArgumentException($"AgopFeatureMapOptions.BatchSize must be at least 1, got {BatchSize}.", nameof(BatchSize));
    }
}
