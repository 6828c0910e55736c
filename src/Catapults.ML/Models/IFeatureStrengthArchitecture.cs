namespace Catapults.ML.Models;

/// <summary>
/// An architecture that states its depth and width factor for <see cref="FeatureStrengthScaling"/> (e.g. a CNN with a
/// mean-field readout).
/// </summary>
public interface IFeatureStrengthArchitecture
{
    /// <summary>The depth L: the number of weight layers on the path from input to output.</summary>
    int Depth { get; }

    /// <summary>The width factor W: the readout's fan-in for a mean-field readout, 1 for NTK-scaled outputs.</summary>
    double LearningRateWidthFactor { get; }
}
