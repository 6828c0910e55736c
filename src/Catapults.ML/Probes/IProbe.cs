using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// A scheduled measurement during training: an observer (it reads the model and never changes training) with a
/// cadence, a final measurement, records, their <see cref="DataFrame"/>, and a state that a checkpoint can capture
/// and restore. See <see cref="ScheduledProbe{TRecord}"/>.
/// </summary>
public interface IProbe : ITrainingObserver, IDisposable
{
    /// <summary>A short name, unique among the probes of a run (it names the probe's files in a checkpoint).</summary>
    string Name { get; }

    /// <summary>The measurement interval in steps.</summary>
    int Every { get; }

    /// <summary>The records as a table, one row per measurement.</summary>
    DataFrame ToDataFrame();

    /// <summary>
    /// A copy of the probe's state, taken between steps (after this probe's <see cref="ITrainingObserver.OnStepCompleted"/>)
    /// or after training. A run resumed from a state taken between steps records what the uninterrupted run does; one
    /// taken after training holds that run's final measurement too (at its last step, on the cadence or not), which a
    /// continuation keeps.
    /// </summary>
    ProbeState CaptureState();

    /// <summary>Continues from <paramref name="state"/> (possibly captured in another process); the caller still disposes it.</summary>
    /// <exception cref="ArgumentException">The state was captured from another kind of probe, or is damaged.</exception>
    void RestoreState(ProbeState state);
}
