using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Diagnostics;

/// <summary>
/// What a <see cref="DiagnosticsObserver"/> carries from one step to the next: its records so far and the Lanczos
/// start vectors of its last solves. A run resumed from a checkpoint gets the same records as an uninterrupted run
/// only if the observer continues from this state: the warm starts change the eigensolver's iterates, so restarting
/// them cold would change the last digits of every later eigenvalue.
/// </summary>
/// <remarks>
/// The tensors are owned by the state (they are copies, detached from any dispose scope); dispose it when done.
/// The catapult detector is not part of the state: it is a function of the records and is rebuilt from them.
/// </remarks>
public sealed class DiagnosticsState : IDisposable
{
    /// <summary>The records, in step order.</summary>
    public required IReadOnlyList<DiagnosticsRecord> Records { get; init; }

    /// <summary>The batch critical learning rates, in step order.</summary>
    public required IReadOnlyList<CriticalRateRecord> CriticalRates { get; init; }

    /// <summary>The learning rate of the last step observed (the rate of a final record).</summary>
    public double LastLearningRate { get; init; }

    /// <summary>Eigenvectors of the last probe-set NTK solve, float64 [probe size · outputs, k]; null when none ran.</summary>
    public Tensor? ProbeWarmStart { get; init; }

    /// <summary>Top eigenvector of the last full-batch critical-rate solve, float64 [n · outputs, 1]; null when none ran.</summary>
    public Tensor? CriticalRateWarmStart { get; init; }

    /// <inheritdoc />
    public void Dispose()
    {
        ProbeWarmStart?.Dispose();
        CriticalRateWarmStart?.Dispose();
    }

    /// <summary>A copy of <paramref name="tensor"/> that no dispose scope will release.</summary>
    internal static Tensor? Own(Tensor? tensor) => tensor?.detach().clone().DetachFromDisposeScope();
}
