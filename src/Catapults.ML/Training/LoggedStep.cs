namespace Catapults.ML.Training;

/// <summary>One step as the <see cref="StepLog"/> keeps it: a <see cref="StepRecord"/> without the batch's indices.</summary>
/// <param name="Step">Step index t (from 0).</param>
/// <param name="Epoch">Epoch index (from 0).</param>
/// <param name="LearningRate">The rate of the update w_t → w_{t+1}.</param>
/// <param name="BatchLoss">The batch loss L_B(w_t).</param>
/// <param name="BatchSize">The number of samples in the batch.</param>
/// <param name="FullTrainingLoss">The full training loss L(w_t), when the trainer computed it at this step.</param>
public sealed record LoggedStep(int Step, int Epoch, double LearningRate, double BatchLoss, int BatchSize, double? FullTrainingLoss)
{
    /// <summary>The full training loss where known, else the batch loss: the loss series a curve or a catapult detector reads.</summary>
    public double Loss => FullTrainingLoss ?? BatchLoss;
}
