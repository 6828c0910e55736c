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

    /// <summary>
    /// The batches of <paramref name="count"/> consecutive steps from <paramref name="step"/> as one batch: their
    /// samples, targets and indices concatenated in step order, each step's as <see cref="BatchAt"/> gives it (Epoch is
    /// the first step's). The default asks <see cref="BatchAt"/> for each step in turn; a source that gathers rows of a
    /// dataset overrides it to gather once, and a source that wraps another forwards it.
    /// </summary>
    Batch BatchesAt(int step, int count) => StepByStep(this, step, count);

    /// <summary><see cref="BatchesAt"/> by asking <paramref name="source"/>'s <see cref="BatchAt"/> for each step in turn.</summary>
    static Batch StepByStep(IBatchSource source, int step, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == 1) return source.BatchAt(step);
        var batches = Enumerable.Range(step, count).Select(source.BatchAt).ToArray();
        return new Batch(torch.cat(batches.Select(b => b.Features).ToArray(), 0), torch.cat(batches.Select(b => b.Targets).ToArray(), 0),
            batches.SelectMany(b => b.Indices).ToArray(), batches[0].Epoch);
    }
}
