using Catapults.ML.Data;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>
/// Online training over a finite dataset: step t takes the next b rows of one fixed (seeded) permutation, so no
/// sample is used twice. When the rows run out the source throws, naming how many samples the run needed.
/// </summary>
/// <remarks>
/// <see cref="Dataset"/> is null, as for every online source: the pool is not a training set to evaluate the full
/// loss on. Batch indices are row numbers in the pool.
/// </remarks>
public sealed class DatasetStreamBatchSource : IBatchSource
{
    private readonly long[] _order;

    /// <summary>
    /// Streams <paramref name="pool"/> in batches of <paramref name="batchSize"/>; with <paramref name="shuffle"/> the
    /// rows are visited in a permutation seeded by <paramref name="shuffleSeed"/>, otherwise in order. The caller keeps
    /// ownership of the pool.
    /// </summary>
    public DatasetStreamBatchSource(TensorDataset pool, int batchSize, long shuffleSeed = 0, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (batchSize < 1 || batchSize > pool.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size must be in 1..{pool.Count} (the size of {pool.Name}).");
        Pool = pool;
        BatchSize = batchSize;
        _order = new long[pool.Count];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (shuffle)
        {
            var rng = Seeding.DotNetRandom(shuffleSeed, Seeding.Stream.Shuffle);
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }
    }

    /// <summary>The dataset the samples come from.</summary>
    public TensorDataset Pool { get; }

    /// <summary>Always null: there is no training set to evaluate (see the remarks).</summary>
    public TensorDataset? Dataset => null;

    /// <summary>Always null: the stream has no epochs.</summary>
    public int? StepsPerEpoch => null;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>The number of steps the pool can serve without reusing a sample: ⌊n / b⌋.</summary>
    public int AvailableSteps => Pool.Count / BatchSize;

    /// <summary>Throws when the pool cannot serve <paramref name="steps"/> steps (check before a run, not in the middle of it).</summary>
    public void EnsureCanServe(int steps)
    {
        if (steps > AvailableSteps) throw Exhausted(steps);
    }

    /// <summary>The pool rows of step <paramref name="step"/>'s batch.</summary>
    public long[] IndicesAt(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps start at 0.");
        if (step >= AvailableSteps) throw Exhausted(step + 1);
        var result = new long[BatchSize];
        Array.Copy(_order, (long)step * BatchSize, result, 0, BatchSize);
        return result;
    }

    /// <inheritdoc />
    public Batch BatchAt(int step)
    {
        var indices = IndicesAt(step);
        using var idx = torch.tensor(indices, ScalarType.Int64, Pool.Features.device);
        var (x, y) = Pool.Gather(idx);
        return new Batch(x, y, indices, 0);
    }

    private InvalidOperationException Exhausted(int steps) => new(
        $"The sample stream over {Pool.Name} is exhausted: {steps} steps of batch size {BatchSize} need " +
        $"{(long)steps * BatchSize} samples without reuse, but it holds {Pool.Count} (enough for {AvailableSteps} steps).");
}
