using Catapults.ML.Runtime;
using System.Globalization;
using Catapults.ML.Data;

namespace Catapults.ML.Training;

/// <summary>
/// The checks that tell a fault of the inputs from a divergence: non-finite data, and a loss that is not finite before
/// any update. Both used to end the run as "diverged", which points at the learning rate, though no step had been taken
/// with it.
/// </summary>
internal static class TrainingInputCheck
{
    // Values per isfinite pass: bounds the temporary mask (1 byte per value) on datasets of images.
    private const long ChunkValues = 1L << 24;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first row and slot of <paramref name="data"/> whose features or
    /// (float) targets are NaN or infinite. One pass over the data, so once per run.
    /// </summary>
    internal static void RequireFinite(TensorDataset data, string paramName)
    {
        if (FirstNonFinite(data.Features) is { } f)
            throw new ArgumentException($"{data.Name} holds {Describe(f.Value)} in the features at row {f.Row} (counted from 0), slot {f.Slot}; " +
                "training needs finite values. Remove or impute such rows first.", paramName);
        if (data.Targets.is_floating_point() && FirstNonFinite(data.Targets) is { } t)
            throw new ArgumentException($"{data.Name} holds {Describe(t.Value)} in the targets at row {t.Row} (counted from 0), slot {t.Slot}; " +
                "training needs finite values. Remove such rows first.", paramName);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the batch of <paramref name="step"/> holds a non-finite value. Meant for
    /// the path where a loss was not finite: a stream has no dataset to check before training.
    /// </summary>
    internal static void RequireFinite(Batch batch, int step, string paramName)
    {
        foreach (var (values, what) in new[] { (batch.Features, "features"), (batch.Targets, "targets") })
            if (values.is_floating_point() && FirstNonFinite(values) is { } bad)
            {
                string sample = bad.Row < batch.Indices.Length ? $"sample {batch.Indices[bad.Row]}" : $"row {bad.Row}";
                throw new ArgumentException($"The batch of step {step} holds {Describe(bad.Value)} in its {what} ({sample}, slot {bad.Slot}); " +
                    "training needs finite values.", paramName);
            }
    }

    /// <summary>
    /// The message for a loss of <paramref name="loss"/> at the weights training started from, before any update;
    /// <paramref name="member"/> names an ensemble member.
    /// </summary>
    internal static string NonFiniteInitialLoss(double loss, int? member = null) =>
        (member is int m ? $"Member {m}: the" : "The") +
        $" loss at the initial weights is not finite ({Describe(loss)} on the first batch, before any update, so the learning rate " +
        "plays no part yet): check the targets' scale, the network's OutputMultiplier and the features for NaN or ∞.";

    private static string Describe(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("G6", CultureInfo.InvariantCulture);

    // The first non-finite value in row-major order, as (row, slot within the flattened row, value); null when all are finite.
    private static (int Row, long Slot, double Value)? FirstNonFinite(Tensor values)
    {
        if (values.numel() == 0) return null;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = values.shape[0];
        var rows = values.reshape(n, -1);
        long rowsPerChunk = Math.Max(1, ChunkValues / rows.shape[1]);
        for (long start = 0; start < n; start += rowsPerChunk)
        {
            using var chunkScope = torch.NewDisposeScope();
            var finite = torch.isfinite(rows.narrow(0, start, Math.Min(rowsPerChunk, n - start)));
            if (finite.all().ReadBoolean()) continue;
            // nonzero lists indices in row-major order, so its first entry is the first bad value.
            var first = finite.logical_not().nonzero()[0];
            long row = start + first[0].ReadInt64(), slot = first[1].ReadInt64();
            return ((int)row, slot, rows[row, slot].ReadDouble());
        }
        return null;
    }
}
