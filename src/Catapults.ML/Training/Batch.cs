namespace Catapults.ML.Training;

/// <summary>One training batch. Its tensors belong to the dispose scope of the step that drew it.</summary>
public sealed class Batch
{
    /// <summary>Creates a batch.</summary>
    public Batch(Tensor features, Tensor targets, long[] indices, int epoch)
    {
        Features = features; Targets = targets; Indices = indices; Epoch = epoch;
    }

    /// <summary>Inputs, [b, ...].</summary>
    public Tensor Features { get; }
    /// <summary>Targets, [b, O] or [b].</summary>
    public Tensor Targets { get; }
    /// <summary>Row indices into the training set (or sample serial numbers for online training).</summary>
    public long[] Indices { get; }
    /// <summary>Epoch the batch belongs to (from 0).</summary>
    public int Epoch { get; }
    /// <summary>Batch size.</summary>
    public int Size => Indices.Length;
}
