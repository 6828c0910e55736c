namespace Catapults.ML.Training;

/// <summary>
/// What happened at one step t: the batch loss L_B(w_t) at the weights before the update, the rate used for the
/// update w_t → w_{t+1}, and on request the full training loss L(w_t).
/// </summary>
public sealed record StepRecord(
    int Step,
    int Epoch,
    double LearningRate,
    double BatchLoss,
    IReadOnlyList<long> BatchIndices,
    double? FullTrainingLoss);
