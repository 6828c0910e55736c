using Catapults.ML.Data;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>
/// Online training: every step draws a fresh batch from a sample generator (for example
/// <see cref="SyntheticTask.Sample"/>), so no sample is ever seen twice and the batch loss is an unbiased estimate of
/// the population loss. Step t draws from its own generator, seeded by the source seed and t, so the batch of any step
/// can be recomputed (runs resume exactly) and two steps never share a draw.
/// </summary>
/// <remarks>
/// Online samples use their own purpose tag, <see cref="Seeding.Stream.Online"/>, distinct from
/// <see cref="Seeding.Stream.Data"/> (which <see cref="SyntheticTask.CreateSplits"/> uses), and the held-out set of
/// <see cref="DrawHeldOut"/> a third one, <see cref="Seeding.Stream.HeldOut"/>, so neither coincides with the training
/// stream. Batch indices are sample serial numbers t·b + i.
/// </remarks>
public sealed class OnlineBatchSource : IBatchSource
{
    private readonly Func<int, torch.Generator, TensorDataset> _draw;
    private readonly ulong _streamSeed;

    /// <summary>
    /// Creates a source that calls <paramref name="draw"/>(b, generator) once per step; it must return exactly b
    /// samples drawn from the generator (the source disposes the dataset after taking its tensors).
    /// </summary>
    public OnlineBatchSource(Func<int, torch.Generator, TensorDataset> draw, int batchSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(draw);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The online batch size must be at least 1.");
        _draw = draw;
        BatchSize = batchSize;
        Seed = seed;
        _streamSeed = Seeding.Derive(seed, Seeding.Stream.Online);
    }

    /// <summary>A source of fresh samples of <paramref name="task"/>, x ~ N(0, I_d) with y = f*(x).</summary>
    public static OnlineBatchSource ForTask(SyntheticTask task, int batchSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new OnlineBatchSource((n, g) => task.Sample(n, g, $"{task.Kind}-online"), batchSize, seed);
    }

    /// <summary>
    /// A fixed held-out set of <paramref name="count"/> samples for the test loss, from a stream disjoint from the
    /// training stream of any source with the same <paramref name="seed"/>. The caller owns the dataset.
    /// </summary>
    public static TensorDataset DrawHeldOut(SyntheticTask task, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "The held-out set needs at least 1 sample.");
        using var generator = Seeding.TorchGenerator(unchecked((long)Seeding.Derive(seed, Seeding.Stream.HeldOut)), Seeding.Stream.Data);
        return task.Sample(count, generator, $"{task.Kind}-held-out");
    }

    /// <summary>The seed of the stream.</summary>
    public long Seed { get; }

    /// <summary>Always null: there is no fixed training set.</summary>
    public TensorDataset? Dataset => null;

    /// <summary>Always null: online training has no epochs.</summary>
    public int? StepsPerEpoch => null;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>The seed of step <paramref name="step"/>'s generator (for recomputing a batch outside the source).</summary>
    public long StepSeed(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps start at 0.");
        return unchecked((long)(_streamSeed + (ulong)step * 0x9E37_79B9_7F4A_7C15UL));
    }

    /// <inheritdoc />
    public Batch BatchAt(int step)
    {
        using var generator = Seeding.TorchGenerator(StepSeed(step), Seeding.Stream.Data);
        using var drawn = _draw(BatchSize, generator)
            ?? throw new InvalidOperationException($"The online sample generator returned null at step {step}.");
        if (drawn.Count != BatchSize)
            throw new InvalidOperationException(
                $"The online sample generator returned {drawn.Count} samples at step {step}; the batch size is {BatchSize}.");
        var indices = new long[BatchSize];
        long first = (long)step * BatchSize;
        for (int i = 0; i < BatchSize; i++) indices[i] = first + i;
        // Aliases join the step's dispose scope and keep the storage alive after the drawn dataset is disposed.
        return new Batch(drawn.Features.alias(), drawn.Targets.alias(), indices, 0);
    }
}
