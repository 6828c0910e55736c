using Catapults.ML.Runtime;
using Catapults.Pipelines.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Pipelines.Features;

/// <summary>Reads one feature column of a view into a float32 tensor [n, d], checking every value is finite.</summary>
internal static class FeatureMatrixReader
{
    /// <summary>
    /// The first <paramref name="maximumRows"/> rows (all when null) of <paramref name="column"/>, as a tensor that
    /// joins the caller's dispose scope.
    /// </summary>
    public static Tensor Read(IDataView data, DataViewSchema.Column column, int dimension, int? maximumRows, string what)
    {
        TorchRuntime.EnsureLoaded();
        var values = new List<float>();
        var row = new float[dimension];
        var vector = default(VBuffer<float>);
        long count = 0;
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while ((maximumRows is null || count < maximumRows) && cursor.MoveNext())
            {
                getter(ref vector);
                FeatureVectors.CopyFinite(in vector, row, $"Column '{column.Name}'", count, what, nameof(data));
                values.AddRange(row);
                count++;
            }
        }
        if (count == 0) throw new ArgumentException($"The data for {what} has no rows.", nameof(data));
        return torch.tensor(values.ToArray(), new long[] { count, dimension });
    }
}
