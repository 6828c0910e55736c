using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Study.Infrastructure;

/// <summary>Extra, experiment-specific work of a run.</summary>
public sealed class RunHooks
{
    /// <summary>
    /// Extra columns of steps.csv, each measured by an engine probe at every recorded step (its interval must be the
    /// run's <see cref="RunConfig.RecordEvery"/>). A column may read a probe that is also one of <see cref="Observers"/>
    /// (itself or inside a <see cref="CheckpointedProbe"/>, for records beyond the columns): it is then notified once.
    /// The caller keeps and disposes them.
    /// </summary>
    public IReadOnlyList<StepColumns> Columns { get; init; } = Array.Empty<StepColumns>();

    /// <summary>
    /// Extra observers, notified before the run's own recorder. The run is resumable only when every one is an
    /// <see cref="ICheckpointedObserver"/>.
    /// </summary>
    public IReadOnlyList<ITrainingObserver> Observers { get; init; } = Array.Empty<ITrainingObserver>();

    /// <summary>Column of <see cref="Columns"/> that holds λ_max, used by the catapult detector; null: none.</summary>
    public string? SharpnessColumn { get; init; }

    /// <summary>Called after each step with the number of updates made.</summary>
    public Action<int>? Progress { get; init; }

    /// <summary>Whether the run can be checkpointed and resumed: every extra observer saves its state.</summary>
    public bool Resumable => Observers.All(o => o is ICheckpointedObserver);

    /// <summary>The probes of <see cref="Columns"/> that no observer of <see cref="Observers"/> already notifies.</summary>
    internal IEnumerable<ITrainingObserver> ColumnProbesNotObserved
    {
        get
        {
            var observed = Observers.Select(o => o is CheckpointedProbe c ? c.Inner : o).ToHashSet(ReferenceEqualityComparer.Instance);
            return Columns.Select(c => c.Probe).Where(p => !observed.Contains(p)).Distinct(ReferenceEqualityComparer.Instance).Cast<ITrainingObserver>();
        }
    }

    /// <summary>The observers whose state is checkpointed.</summary>
    internal IReadOnlyList<ICheckpointedObserver> Checkpointed => Observers.OfType<ICheckpointedObserver>().ToList();

    /// <summary>Called after training, before the model is disposed (e.g. for extra measurements).</summary>
    public Action<NetworkModule, RunOutcome>? AfterTraining { get; init; }
}
