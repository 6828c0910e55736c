namespace Catapults.ML.Training;

/// <summary>
/// Thrown by an observer, probe or update transform that finds a non-finite value (in the model, a measurement or an
/// eigen-solve): the <see cref="Trainer"/> catches it and ends the run as <see cref="TrainingOutcome.Diverged"/> with
/// its step and reason, instead of letting a later libtorch call fail on the same values.
/// </summary>
public sealed class NonFiniteValueException : Exception
{
    /// <summary>Creates the signal for <paramref name="step"/> with a reason that completes "the run diverged: …".</summary>
    public NonFiniteValueException(int? step, string reason, Exception? inner = null) : base(reason, inner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Step = step;
        Reason = reason;
    }

    /// <summary>The step at which the non-finite value was seen; null: the trainer's current step.</summary>
    public int? Step { get; }

    /// <summary>Why the run diverged (e.g. "the full training loss is not finite").</summary>
    public string Reason { get; }

    /// <summary>
    /// Whether <paramref name="failure"/>, thrown by a measurement, reports non-finite values: a libtorch error, or a
    /// solver's own check (for example the eigensolver meeting NaN products). Such a failure is the run's divergence,
    /// not a fault of the measurement.
    /// </summary>
    public static bool Describes(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure is System.Runtime.InteropServices.ExternalException or ArithmeticException
            || failure.Message.Contains("non-finite", StringComparison.OrdinalIgnoreCase)
            || failure.Message.Contains("NaN", StringComparison.Ordinal)
            || failure.Message.Contains("infinite", StringComparison.OrdinalIgnoreCase);
    }
}
