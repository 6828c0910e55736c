using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Support;

public sealed class RegressionRow
{
    [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public float Label { get; set; }
}

/// <summary>Rank-2 rows whose features come in two parts, to be concatenated by the pipeline.</summary>
public sealed class SplitRow
{
    [VectorType(3)] public float[] A { get; set; } = Array.Empty<float>();
    [VectorType(3)] public float[] B { get; set; } = Array.Empty<float>();
    public float Label { get; set; }
}

public sealed class BinaryRow
{
    [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public bool Label { get; set; }
}

public sealed class ClassRow
{
    [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public string Label { get; set; } = "";
}

public sealed class RegressionPrediction
{
    public float Score { get; set; }
}

public sealed class BinaryPrediction
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

public sealed class MulticlassPrediction
{
    public float[] Score { get; set; } = Array.Empty<float>();
    public uint PredictedLabel { get; set; }
}

/// <summary>Seeded synthetic data, x ~ N(0, I).</summary>
public static class TestData
{
    public const int Dimension = 6;
    public static readonly string[] ClassNames = { "cat", "dog", "emu" };

    /// <summary>
    /// <paramref name="view"/> with its label under <paramref name="name"/> and no "Label" column, so that only an
    /// evaluator that reads the named column can find it.
    /// </summary>
    public static IDataView WithLabelNamed(MLContext ml, IDataView view, string name) =>
        ml.Transforms.CopyColumns(name, "Label").Append(ml.Transforms.DropColumns("Label")).Fit(view).Transform(view);

    public static float[] Gaussian(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return x;
    }

    /// <summary>f*(x) = x₁x₂.</summary>
    public static List<RegressionRow> Rank2(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = Gaussian(rng, Dimension);
            return new RegressionRow { Features = x, Label = x[0] * x[1] };
        }).ToList();
    }

    public static List<SplitRow> Rank2Split(int n, int seed) =>
        Rank2(n, seed).Select(r => new SplitRow { A = r.Features[..3], B = r.Features[3..], Label = r.Label }).ToList();

    /// <summary>Label = x₁ + x₂ − x₃/2 &gt; 0.</summary>
    public static List<BinaryRow> Binary(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = Gaussian(rng, Dimension);
            return new BinaryRow { Features = x, Label = x[0] + x[1] - 0.5f * x[2] > 0 };
        }).ToList();
    }

    /// <summary>Label = arg max of (x₁, x₂, −x₁ − x₂) as "cat", "dog", "emu".</summary>
    public static List<ClassRow> Classes(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = Gaussian(rng, Dimension);
            var s = new[] { x[0], x[1], -x[0] - x[1] };
            int k = Array.IndexOf(s, s.Max());
            return new ClassRow { Features = x, Label = ClassNames[k] };
        }).ToList();
    }

    /// <summary>Reads a column as one double[] per row (scalars give length-1 rows; Boolean is 0/1; keys are their raw value).</summary>
    public static List<double[]> Column(IDataView data, string name)
    {
        var column = data.Schema[name];
        var result = new List<double[]>();
        using var cursor = data.GetRowCursor(new[] { column });
        Func<double[]> read = column.Type switch
        {
            VectorDataViewType { ItemType: var t } when t == NumberDataViewType.Single => VectorReader(cursor, column),
            var t when t == NumberDataViewType.Single => Scalar<float>(cursor, column, v => v),
            var t when t == BooleanDataViewType.Instance => Scalar<bool>(cursor, column, v => v ? 1 : 0),
            KeyDataViewType => Scalar<uint>(cursor, column, v => v),
            var t => throw new NotSupportedException(t.ToString()),
        };
        while (cursor.MoveNext()) result.Add(read());
        return result;
    }

    private static Func<double[]> Scalar<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, double> convert)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return new[] { convert(value) };
        };
    }

    private static Func<double[]> VectorReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        return () =>
        {
            var value = default(VBuffer<float>);
            getter(ref value);
            return value.DenseValues().Select(v => (double)v).ToArray();
        };
    }
}
