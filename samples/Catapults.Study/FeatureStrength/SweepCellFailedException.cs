using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>A sweep cell could not be run.</summary>
public sealed class SweepCellFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="cell"/>.</summary>
    public SweepCellFailedException(SweepCell cell, string reason)
        : base($"Sweep cell {cell.Id} (γ = {cell.Gamma:G4}, η = {cell.LearningRate:G4}) failed: {reason}")
    {
        Cell = cell;
    }

    /// <summary>The cell.</summary>
    public SweepCell Cell { get; }
}
