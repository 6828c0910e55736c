using Catapults.ML.Training;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// An experiment's observer whose state travels with its run, so the run stays resumable: it is saved in every
/// checkpoint (an interrupted run continues with it) and, when the run finishes, in the run directory's
/// <c>observers/</c> folder (a finished run read back by <c>--resume</c> gives the experiment the same observer as the
/// run that trained). <see cref="RunExecutor"/> calls it after every observer has completed the step.
/// </summary>
public interface ICheckpointedObserver : ITrainingObserver
{
    /// <summary>Writes the state into <paramref name="folder"/> (which exists), in files whose names are unique within a run.</summary>
    void SaveState(string folder);

    /// <summary>Restores what <see cref="SaveState"/> wrote in <paramref name="folder"/>; called before training resumes.</summary>
    /// <exception cref="InvalidDataException">A file is missing or does not hold a state of this observer.</exception>
    void RestoreState(string folder);
}
