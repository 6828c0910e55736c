using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Options of the classification trainers (<see cref="TorchNetworkBinaryTrainer"/>,
/// <see cref="TorchNetworkMulticlassTrainer"/>): those of <see cref="TorchNetworkTrainerOptions"/> and the loss.
/// </summary>
public abstract class ClassificationTrainerOptions : TorchNetworkTrainerOptions
{
    private protected ClassificationTrainerOptions() { }

    /// <summary>
    /// The loss; default <see cref="ClassificationLoss.MeanSquaredError"/>, the loss the catapult analysis is built on,
    /// on targets ±1 (binary, one output) or one-hot targets (multiclass). <see cref="ClassificationLoss.CrossEntropy"/>
    /// fits logits (two for binary) and gives calibrated softmax probabilities.
    /// </summary>
    public ClassificationLoss Loss { get; set; } = ClassificationLoss.MeanSquaredError;

    internal override LossKind TrainerLoss => Loss == ClassificationLoss.CrossEntropy ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
}
