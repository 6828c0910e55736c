namespace Catapults.ML.Ensembles;

/// <summary>
/// The batches of a few consecutive steps of an <see cref="EnsembleTrainer"/> run, stacked over the members and
/// concatenated over the steps, so that the model can take its first layer's product for all of them in one pass
/// (<see cref="FullyConnectedEnsemble.BeginBlock"/>): features [A, rows, ...] and targets [A, rows, O] over the members
/// active when it was drawn, step j's samples from row j·b. Only the last step may be partial. The tensors belong to the
/// block.
/// </summary>
internal sealed class EnsembleBatchBlock : IDisposable
{
    private readonly int _firstStep;
    private readonly int _steps;
    private readonly int _batchSize;
    private readonly long _rows;

    /// <summary>Takes ownership of <paramref name="features"/> and <paramref name="targets"/>, the samples of <paramref name="steps"/> steps from <paramref name="firstStep"/>.</summary>
    public EnsembleBatchBlock(int firstStep, int steps, int batchSize, Tensor features, Tensor targets)
    {
        _firstStep = firstStep;
        _steps = steps;
        _batchSize = batchSize;
        Features = features;
        Targets = targets;
        _rows = features.shape[1];
    }

    /// <summary>Every step's features, [A, rows, ...].</summary>
    public Tensor Features { get; private set; }

    /// <summary>Every step's targets, [A, rows, O].</summary>
    public Tensor Targets { get; private set; }

    /// <summary>Whether the block holds the batches of <paramref name="step"/>.</summary>
    public bool Holds(int step) => step >= _firstStep && step < _firstStep + _steps;

    /// <summary>Step <paramref name="step"/>'s features and targets (views in the current dispose scope), and the row its samples start at.</summary>
    public (Tensor Features, Tensor Targets, int Row) At(int step)
    {
        int row = (step - _firstStep) * _batchSize;
        long count = Math.Min(_batchSize, _rows - row);
        return (Features.narrow(1, row, count), Targets.narrow(1, row, count), row);
    }

    /// <summary>Keeps only the members at <paramref name="positions"/> (indices into the member dimension).</summary>
    public void Keep(IReadOnlyList<int> positions)
    {
        using var index = torch.tensor(positions.Select(p => (long)p).ToArray());
        var (features, targets) = (Features, Targets);
        Features = features.index_select(0, index).DetachFromDisposeScope();
        Targets = targets.index_select(0, index).DetachFromDisposeScope();
        features.Dispose();
        targets.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }
}
