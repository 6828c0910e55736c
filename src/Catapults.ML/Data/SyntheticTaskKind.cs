namespace Catapults.ML.Data;

/// <summary>Which synthetic regression target to use.</summary>
public enum SyntheticTaskKind
{
    /// <summary>f*(x) = x₁x₂.</summary>
    Rank2,
    /// <summary>f*(x) = x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄.</summary>
    Rank4,
}
