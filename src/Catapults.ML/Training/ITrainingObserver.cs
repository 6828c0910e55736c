using Catapults.ML.Data;
using Catapults.ML.Models;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Catapults.ML.Training;

/// <summary>
/// Watches training. Observers read the model but never change training: the trainer clears gradients before each
/// step, restores training mode after observers run, uses its own random generators, and runs each callback in its
/// own dispose scope. An observer must not write to parameters or their gradients.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Once, before the first step, at the initial weights.</summary>
    void OnTrainingStarted(TrainingContext context) { }

    /// <summary>Before step t's update: the model holds w_t and <paramref name="step"/> the batch about to be used.</summary>
    void OnBeforeStep(StepContext step) { }

    /// <summary>After step t's update: the model holds w_{t+1}.</summary>
    void OnStepCompleted(StepRecord record, TrainingContext context) { }

    /// <summary>Once, at the final weights (also after divergence or cancellation).</summary>
    void OnTrainingCompleted(TrainingResult result, TrainingContext context) { }
}

/// <summary>What an observer may read about the run.</summary>
public sealed class TrainingContext
{
    private readonly Func<double?> _fullLoss;

    internal TrainingContext(NetworkModule model, TrainingOptions options, IBatchSource source, Func<double?> fullLoss)
    {
        Model = model;
        Options = options;
        Source = source;
        _fullLoss = fullLoss;
    }

    /// <summary>The model being trained. Read it; do not modify it.</summary>
    public NetworkModule Model { get; }

    /// <summary>The options of the run.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Where batches come from.</summary>
    public IBatchSource Source { get; }

    /// <summary>The full training set, or null for online training.</summary>
    public TensorDataset? TrainingData => Source.Dataset;

    /// <summary>The full training loss at the current weights (null for online training without a dataset).</summary>
    public double? ComputeFullTrainingLoss() => _fullLoss();
}

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
}

/// <summary>
/// Changes the update the optimiser computed, before it is applied: w_{t+1} = w_t + T(Δ). Used for projected
/// (dominant- or bulk-subspace) training.
/// </summary>
public interface IUpdateTransform
{
    /// <summary>
    /// Rewrites <paramref name="updates"/> in place; each has the shape of the parameter at the same index of
    /// <paramref name="parameters"/>. The model holds w_t.
    /// </summary>
    void Transform(StepContext step, IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> updates);
}
