using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// Spreads a per-record list (eigenvalues, projected losses) over numbered DataFrame columns, so records whose lists
/// differ in length share one frame.
/// </summary>
internal static class NumberedColumns
{
    /// <summary>The length of the longest list among <paramref name="records"/>; 0 when there are none.</summary>
    public static int Widest<T>(IReadOnlyList<T> records, Func<T, IReadOnlyList<double>> values) =>
        records.Count == 0 ? 0 : records.Max(r => values(r).Count);

    /// <summary>
    /// Columns <c>{prefix}1</c> … <c>{prefix}{count}</c>; column i holds each record's i-th value, null where its list
    /// is shorter.
    /// </summary>
    public static IEnumerable<DataFrameColumn> Of<T>(string prefix, int count, IReadOnlyList<T> records,
        Func<T, IReadOnlyList<double>> values)
    {
        for (int i = 0; i < count; i++)
        {
            int index = i;
            yield return new DoubleDataFrameColumn($"{prefix}{i + 1}", records.Select(r =>
            {
                var list = values(r);
                return index < list.Count ? list[index] : (double?)null;
            }));
        }
    }
}
