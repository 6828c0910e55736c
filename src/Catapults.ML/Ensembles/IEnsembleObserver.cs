using Catapults.ML.Training;

namespace Catapults.ML.Ensembles;

/// <summary>Reads an ensemble during training (measurements per member); it must not change the weights.</summary>
public interface IEnsembleObserver
{
    /// <summary>
    /// Before step <paramref name="step"/>'s update of the members still training (<see cref="FullyConnectedEnsemble.ActiveMembers"/>),
    /// at their weights w_t.
    /// </summary>
    void OnBeforeStep(int step, FullyConnectedEnsemble ensemble);

    /// <summary>
    /// Members <paramref name="members"/> have just finished with <paramref name="results"/> (same order). Members that
    /// reached their budget are still active in <paramref name="ensemble"/> at their final weights, so they can be
    /// measured there; diverged members are not.
    /// </summary>
    void OnMembersFinished(IReadOnlyList<int> members, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble);
}
