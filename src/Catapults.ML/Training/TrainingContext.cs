using Catapults.ML.Data;
using Catapults.ML.Models;

namespace Catapults.ML.Training;

/// <summary>What an observer may read about the run.</summary>
public sealed class TrainingContext
{
    private readonly Func<double?> _fullLoss;

    internal TrainingContext(NetworkModule model, TrainingOptions options, IBatchSource source, int startStep, Func<double?> fullLoss)
    {
        Model = model;
        StartStep = startStep;
        Options = options;
        Source = source;
        _fullLoss = fullLoss;
    }

    /// <summary>The model being trained. Read it; do not modify it.</summary>
    public NetworkModule Model { get; }

    /// <summary>
    /// The step this run starts at: 0 for a trainer's first run, otherwise where the same trainer's previous run stopped
    /// or the step given to <see cref="Trainer.ResumeAt"/>.
    /// </summary>
    public int StartStep { get; }

    /// <summary>The options of the run.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Where batches come from.</summary>
    public IBatchSource Source { get; }

    /// <summary>The full training set, or null for online training.</summary>
    public TensorDataset? TrainingData => Source.Dataset;

    /// <summary>
    /// The full training loss at the current weights (null for online training without a dataset). It is one pass
    /// over the training set per step however often it is asked for: observers, and the trainer's own target-loss
    /// check and final loss at the same weights, share it.
    /// </summary>
    public double? ComputeFullTrainingLoss() => _fullLoss();
}
