using Catapults.ML.Data;

namespace Catapults.ML.Training;

/// <summary>Supplies batches to the trainer, one per step.</summary>
public interface IBatchSource
{
    /// <summary>The fixed training set, or null for online training.</summary>
    TensorDataset? Dataset { get; }

    /// <summary>Steps in one epoch, or null when there are no epochs (online training).</summary>
    int? StepsPerEpoch { get; }

    /// <summary>The batch size of a full batch.</summary>
    int BatchSize { get; }

    /// <summary>The batch of step <paramref name="step"/>. Steps are asked for in order, starting anywhere (resume).</summary>
    Batch BatchAt(int step);
}
