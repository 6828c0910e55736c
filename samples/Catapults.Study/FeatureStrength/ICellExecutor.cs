using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>Runs one sweep cell: in this process, or in a child process that writes the result to a <see cref="SweepStore"/>.</summary>
public interface ICellExecutor
{
    /// <summary>Trains <paramref name="cell"/> and returns its result. Throws when the run could not be completed.</summary>
    Task<SweepCellResult> RunAsync(SweepCell cell, CancellationToken cancellationToken);
}
