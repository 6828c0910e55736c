namespace Catapults.ML.Training;

/// <summary>A step about to happen: the weights are w_t, and the batch and rate are known.</summary>
public sealed class StepContext
{
    internal StepContext(TrainingContext training, int step, int epoch, double learningRate, Batch batch)
    {
        Training = training; Step = step; Epoch = epoch; LearningRate = learningRate; Batch = batch;
    }

    /// <summary>The run.</summary>
    public TrainingContext Training { get; }
    /// <summary>Step index t (from 0).</summary>
    public int Step { get; }
    /// <summary>Epoch index (from 0).</summary>
    public int Epoch { get; }
    /// <summary>The rate the update will use.</summary>
    public double LearningRate { get; }
    /// <summary>The batch; its tensors are valid only during the callback.</summary>
    public Batch Batch { get; }

    /// <summary>
    /// The data a measurement of the training loss at this step uses (its Hessian, that Hessian's eigenspace): the
    /// training set, or this step's batch when training online, which has no training set.
    /// </summary>
    internal (Tensor Features, Tensor Targets) LossData =>
        Training.TrainingData is { } data ? (data.Features, data.Targets) : (Batch.Features, Batch.Targets);
}
