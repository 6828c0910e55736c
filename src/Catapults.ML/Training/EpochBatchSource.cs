using Catapults.ML.Data;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>
/// Epochs over a fixed dataset. Each epoch is a fresh permutation drawn from a generator seeded by the shuffle seed
/// and the epoch number, so the batch of any step can be recomputed (which makes runs resumable). Full-batch GD
/// (batch size = n) uses the data in order.
/// </summary>
public sealed class EpochBatchSource : IBatchSource
{
    private readonly long _shuffleSeed;
    private int _cachedEpoch = -1;
    private long[] _permutation = Array.Empty<long>();

    /// <summary>Creates the source; <paramref name="batchSize"/> null means full batch.</summary>
    public EpochBatchSource(TensorDataset dataset, int? batchSize, long shuffleSeed, PartialBatchPolicy policy = PartialBatchPolicy.Drop)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int n = dataset.Count;
        int b = batchSize ?? n;
        if (b < 1 || b > n)
            throw new ArgumentOutOfRangeException(nameof(batchSize), b, $"Batch size must be in 1..{n} (the size of {dataset.Name}).");
        Dataset = dataset;
        BatchSize = b;
        _shuffleSeed = shuffleSeed;
        StepsPerEpoch = policy == PartialBatchPolicy.Drop || n % b == 0 ? n / b : n / b + 1;
    }

    /// <inheritdoc />
    public TensorDataset Dataset { get; }

    /// <inheritdoc />
    public int? StepsPerEpoch { get; }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>True when every step sees the whole training set in order.</summary>
    public bool IsFullBatch => BatchSize == Dataset.Count;

    /// <summary>The indices of step <paramref name="step"/>'s batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public long[] IndicesAt(int step)
    {
        // A negative step would land in "epoch −1", which is also the empty permutation cache's marker.
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps start at 0.");
        int perEpoch = StepsPerEpoch!.Value;
        int epoch = step / perEpoch;
        int position = step % perEpoch;
        var perm = PermutationFor(epoch);
        int start = position * BatchSize;
        int count = Math.Min(BatchSize, perm.Length - start);
        var result = new long[count];
        Array.Copy(perm, start, result, 0, count);
        return result;
    }

    /// <inheritdoc />
    public Batch BatchAt(int step)
    {
        var indices = IndicesAt(step);
        int epoch = step / StepsPerEpoch!.Value;
        if (IsFullBatch)
            return new Batch(Dataset.Features.alias(), Dataset.Targets.alias(), indices, epoch);
        using var idx = torch.tensor(indices, ScalarType.Int64, Dataset.Features.device);
        var (x, y) = Dataset.Gather(idx);
        return new Batch(x, y, indices, epoch);
    }

    /// <inheritdoc />
    /// <remarks>One gather for all the steps' rows.</remarks>
    public Batch BatchesAt(int step, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == 1 || IsFullBatch) return IBatchSource.StepByStep(this, step, count);
        var indices = Enumerable.Range(step, count).SelectMany(IndicesAt).ToArray();
        using var idx = torch.tensor(indices, ScalarType.Int64, Dataset.Features.device);
        var (x, y) = Dataset.Gather(idx);
        return new Batch(x, y, indices, step / StepsPerEpoch!.Value);
    }

    private long[] PermutationFor(int epoch)
    {
        if (epoch == _cachedEpoch) return _permutation;
        int n = Dataset.Count;
        var perm = new long[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        if (!IsFullBatch)
        {
            var rng = Seeding.DotNetRandom(_shuffleSeed * 1_000_003L + epoch, Seeding.Stream.Shuffle);
            for (int i = n - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (perm[i], perm[j]) = (perm[j], perm[i]);
            }
        }
        _cachedEpoch = epoch;
        _permutation = perm;
        return perm;
    }
}
