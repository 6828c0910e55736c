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
    private readonly string _source;
    private readonly int _featureCount;
    private readonly TargetKind _targets;
    private readonly int _targetWidth;
    private readonly List<float> _features = new();
    private readonly List<float> _regression = new();
    private readonly List<long> _classes = new();

    public TensorDatasetBuilder(string source, int featureCount, TargetKind targets, int targetWidth)
    {
        _source = source;
        _featureCount = featureCount;
        _targets = targets;
        _targetWidth = targetWidth;
    }

    public long Rows { get; private set; }

    /// <summary>Adds a feature value of column <paramref name="column"/> (element <paramref name="element"/> of a vector, or −1).</summary>
    public void AddFeature(double value, string column, int element, long row)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new InvalidDataException($"{_source}: column '{column}'{Element(element)}, row {row}: {value} is not a finite float value.");
        _features.Add((float)value);
    }

    /// <summary>Adds a regression target value.</summary>
    public void AddTarget(double value, string column, int element, long row)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new InvalidDataException($"{_source}: label column '{column}'{Element(element)}, row {row}: {value} is not a finite float value.");
        _regression.Add((float)value);
    }

    /// <summary>Adds a class index, which must be a whole number from 0 to <see cref="int.MaxValue"/>.</summary>
    public void AddClass(double value, string column, long row)
    {
        if (!double.IsFinite(value) || value < 0 || value != Math.Floor(value) || value > int.MaxValue)
            throw new InvalidDataException($"{_source}: label column '{column}', row {row}: {value} is not a class index (a whole number from 0 to 2147483647).");
        _classes.Add((long)value);
    }

    public void EndRow() => Rows++;

    public TensorDataset Build(IReadOnlyList<long>? sampleShape, string name)
    {
        if (Rows == 0) throw new InvalidDataException($"{_source} has no rows.");
        if (Rows > int.MaxValue) throw new InvalidDataException($"{_source} has {Rows} rows, more than a dataset holds.");
        long[] shape = [Rows, _featureCount];
        if (sampleShape is not null)
        {
            long product = sampleShape.Aggregate(1L, (a, b) => a * b);
            if (sampleShape.Count == 0 || sampleShape.Any(s => s < 1) || product != _featureCount)
                throw new ArgumentException(
                    $"SampleShape [{string.Join(", ", sampleShape)}] holds {product} values but each row of {_source} has {_featureCount} features.");
            shape = [Rows, .. sampleShape];
        }
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(_features.ToArray(), shape);
        var y = _targets == TargetKind.ClassIndex
            ? torch.tensor(_classes.ToArray(), torch.ScalarType.Int64)
            : torch.tensor(_regression.ToArray(), [Rows, _targetWidth]);
        return new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), name);
    }

    private static string Element(int element) => element >= 0 ? $" (element {element})" : "";
}
