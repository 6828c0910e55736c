namespace Catapults.ML.Data;

/// <summary>
/// An in-memory dataset: features [n, ...sample shape] (float32) and targets, either [n, O] float32 for regression
/// with MSE or [n] int64 class indices for cross-entropy. The dataset owns its tensors (they are detached from any
/// dispose scope) and releases them on <see cref="Dispose"/>.
/// </summary>
public sealed class TensorDataset : IDisposable
{
    private bool _disposed;

    /// <summary>Wraps features and targets, checking that they agree. The dataset takes ownership of both.</summary>
    public TensorDataset(Tensor features, Tensor targets, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.dim() < 2) throw new ArgumentException($"Features must be [n, ...], got [{string.Join(", ", features.shape)}].", nameof(features));
        if (features.dtype != ScalarType.Float32) throw new ArgumentException($"Features must be float32, got {features.dtype}.", nameof(features));
        if (targets.shape[0] != features.shape[0])
            throw new ArgumentException($"Features have {features.shape[0]} rows but targets have {targets.shape[0]}.", nameof(targets));
        bool regression = targets.dim() == 2 && targets.dtype == ScalarType.Float32;
        bool classes = targets.dim() == 1 && targets.dtype == ScalarType.Int64;
        if (!regression && !classes)
            throw new ArgumentException(
                $"Targets must be [n, O] float32 (regression) or [n] int64 (class indices), got [{string.Join(", ", targets.shape)}] {targets.dtype}.",
                nameof(targets));
        Features = features.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
        Name = name ?? "dataset";
    }

    /// <summary>Features, [n, ...sample shape].</summary>
    public Tensor Features { get; }

    /// <summary>Targets, [n, O] float32 or [n] int64.</summary>
    public Tensor Targets { get; }

    /// <summary>A name for messages and reports.</summary>
    public string Name { get; }

    /// <summary>Number of samples n.</summary>
    public int Count => (int)Features.shape[0];

    /// <summary>Shape of one sample.</summary>
    public long[] SampleShape => Features.shape.Skip(1).ToArray();

    /// <summary>Number of features of one flattened sample.</summary>
    public long FeatureDimension => SampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when targets are class indices.</summary>
    public bool HasClassTargets => Targets.dtype == ScalarType.Int64;

    /// <summary>Number of regression outputs (targets' second dimension); 0 for class targets.</summary>
    public int TargetDimension => HasClassTargets ? 0 : (int)Targets.shape[1];

    /// <summary>Rows at <paramref name="indices"/>, as new tensors the caller owns (they join the current dispose scope).</summary>
    public (Tensor Features, Tensor Targets) Gather(Tensor indices) => (Features.index_select(0, indices), Targets.index_select(0, indices));

    /// <summary>A new dataset holding copies of the rows at <paramref name="indices"/>.</summary>
    public TensorDataset Subset(IReadOnlyList<long> indices, string? name = null)
    {
        foreach (var i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Index outside 0..{Count - 1} of {Name}.");
        using var scope = torch.NewDisposeScope();
        using var idx = torch.tensor(indices.ToArray(), ScalarType.Int64, Features.device);
        var (x, y) = Gather(idx);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), name ?? Name + "[subset]");
    }

    /// <summary>Moves the data to a device, returning a new dataset (or this one when already there).</summary>
    public TensorDataset To(Device device)
    {
        if (Features.device == device) return this;
        using var scope = torch.NewDisposeScope();
        return new TensorDataset(Features.to(device).MoveToOuterDisposeScope(), Targets.to(device).MoveToOuterDisposeScope(), Name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Features.Dispose();
        Targets.Dispose();
    }
}
