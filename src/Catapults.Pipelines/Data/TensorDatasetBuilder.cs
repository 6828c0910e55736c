using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Runtime;
using TorchSharp;

namespace Catapults.Pipelines.Data;

/// <summary>
/// Collects rows of feature and target values, checking each as it comes (finite values, valid class indices), and
/// builds the engine's <see cref="TensorDataset"/>. Shared by the IDataView and DataFrame converters so both apply
/// the same rules and messages.
/// </summary>
internal sealed class TensorDatasetBuilder
{
    // Features are kept in fixed blocks rather than one growing list: a List<float> doubles and copies as it grows and
    // cannot pass 2^31 values, so a large view peaked at about five times its data and then failed in List.set_Capacity.
    private const int BlockValues = 1 << 20;

    private readonly string _source;
    private readonly int _featureCount;
    private readonly TargetKind _targets;
    private readonly int _targetWidth;
    private readonly List<float[]> _blocks = new();
    private int _used = BlockValues;
    private readonly List<float> _regression = new();
    private readonly List<long> _classes = new();

    /// <summary>
    /// A builder for rows of <paramref name="featureCount"/> features; <paramref name="expectedRows"/>, where the source
    /// knows its row count, has the memory checked before any row is read.
    /// </summary>
    /// <exception cref="ArgumentException">The rows' features and their tensor would not fit in memory.</exception>
    public TensorDatasetBuilder(string source, int featureCount, TargetKind targets, int targetWidth, long? expectedRows = null)
    {
        _source = source;
        _featureCount = featureCount;
        _targets = targets;
        _targetWidth = targetWidth;
        if (expectedRows is long rows) CheckMemory(rows * (double)featureCount, string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows"));
    }

    public long Rows { get; private set; }

    /// <summary>Adds a feature value of column <paramref name="column"/> (element <paramref name="element"/> of a vector, or −1).</summary>
    public void AddFeature(double value, string column, int element, long row)
    {
        if (!float.IsFinite((float)value))
            throw new InvalidDataException($"{_source}: column '{ErrorText.Visible(column)}'{Element(element)}, row {row}: {value} is not a finite float value.");
        if (_used == BlockValues) NewBlock();
        _blocks[^1][_used++] = (float)value;
    }

    /// <summary>Adds a regression target value.</summary>
    public void AddTarget(double value, string column, int element, long row)
    {
        if (!float.IsFinite((float)value))
            throw new InvalidDataException($"{_source}: label column '{ErrorText.Visible(column)}'{Element(element)}, row {row}: {value} is not a finite float value.");
        _regression.Add((float)value);
    }

    /// <summary>Adds a class index, which must be a whole number from 0 to <see cref="int.MaxValue"/>.</summary>
    public void AddClass(double value, string column, long row)
    {
        if (!double.IsFinite(value) || value < 0 || value != Math.Floor(value) || value > int.MaxValue)
            throw new InvalidDataException($"{_source}: label column '{ErrorText.Visible(column)}', row {row}: {value} is not a class index (a whole number from 0 to 2147483647).");
        _classes.Add((long)value);
    }

    public void EndRow() => Rows++;

    public TensorDataset Build(IReadOnlyList<long>? sampleShape, string name)
    {
        if (Rows == 0) throw new InvalidDataException($"{_source} has no rows.");
        long[] shape = [Rows, _featureCount];
        if (sampleShape is not null)
        {
            // Checked: a shape whose product wraps around to the feature count would pass, and libtorch then fails with
            // a native trace.
            long? product = 1;
            foreach (long size in sampleShape)
                product = size < 1 || product is null ? null : size > long.MaxValue / product.Value ? null : product.Value * size;
            if (sampleShape.Count == 0 || product != _featureCount)
                throw new ArgumentException(
                    $"SampleShape [{string.Join(", ", sampleShape)}] holds {(product is long p ? p.ToString(CultureInfo.InvariantCulture) : sampleShape.Any(s => s < 1) ? "a size below 1 and no" : "more than 2^63")} values but each row of {_source} has {_featureCount} feature{(_featureCount == 1 ? "" : "s")}.");
            shape = [Rows, .. sampleShape];
        }
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var x = torch.empty(shape, torch.ScalarType.Float32);
        long total = Rows * _featureCount, offset = 0;
        var target = x.data<float>();
        foreach (var block in _blocks)
        {
            int count = (int)Math.Min(block.Length, total - offset);
            target.CopyFrom(new ReadOnlySpan<float>(block, 0, count), 0, offset);
            offset += count;
        }
        _blocks.Clear();
        var y = _targets == TargetKind.ClassIndex
            ? torch.tensor(_classes.ToArray(), torch.ScalarType.Int64)
            : torch.tensor(_regression.ToArray(), [Rows, _targetWidth]);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), name);
    }

    private void NewBlock()
    {
        CheckMemory((_blocks.Count + 1.0) * BlockValues, string.Create(CultureInfo.InvariantCulture, $"more than {Rows:N0} rows"));
        _blocks.Add(new float[BlockValues]);
        _used = 0;
    }

    // The blocks and the tensor built from them are both held at the end, once.
    private void CheckMemory(double values, string rows)
    {
        string what = string.Create(CultureInfo.InvariantCulture, $"{_source}: {rows} of {_featureCount:N0} float32 features (read, then copied into one tensor)");
        double bytes = 2 * sizeof(float) * values, available = MemoryBudget.AvailableBytes;
        // Without a parameter name, as the converters' other errors: the message names the source.
        if (bytes > available)
            throw new ArgumentException($"{what} needs about {MemoryBudget.Format(bytes)} of memory, more than the {MemoryBudget.Format(available)} available; convert fewer rows or feature columns.");
    }

    private static string Element(int element) => element >= 0 ? $" (element {element})" : "";
}
