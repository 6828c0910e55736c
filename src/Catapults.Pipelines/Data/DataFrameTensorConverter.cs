using Catapults.ML.Data;
using Microsoft.Data.Analysis;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Data;

/// <summary>
/// Turns a <see cref="DataFrame"/> of numeric columns into an engine <see cref="TensorDataset"/>, with the same
/// rules as <see cref="DataViewTensorConverter"/>: Boolean and integer labels become class indices, floating-point
/// labels regression targets (unless <see cref="TensorConversionOptions.Targets"/> says otherwise). A feature column
/// of vectors (<see cref="VBufferDataFrameColumn{T}"/> of Single or Double) gives one feature per element, and every
/// row's vector must be as long as the first row's. A missing or non-numeric column is an error naming it, and so is
/// a non-numeric column when the features are taken from every column; a null, NaN or infinity is an error naming the
/// column and the row.
/// </summary>
public static class DataFrameTensorConverter
{
    private static readonly HashSet<Type> Integers =
        [typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong)];

    /// <summary>Reads every row of <paramref name="frame"/> into a tensor dataset.</summary>
    public static TensorDataset ToTensorDataset(this DataFrame frame, TensorConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        options ??= new TensorConversionOptions();
        string source = options.Name is { } n ? $"'{n}'" : "the DataFrame";
        var label = Find(frame, options.LabelColumnName, "label", source);
        IReadOnlyList<string>? names = options.FeatureColumnNames;
        bool useAll = names is null || (names.Count == 1 && names[0] == "Features" && frame.Columns.IndexOf("Features") < 0);
        var features = useAll
            ? frame.Columns.Where(c => c.Name != label.Name && IsFeature(c)).ToArray()
            : names!.Select(name => Find(frame, name, "feature", source)).ToArray();
        // A column read as text is often a numeric one with one unparsable cell ("NA"); taking the others silently
        // would drop it without a word.
        if (useAll && frame.Columns.Where(c => c.Name != label.Name && !IsFeature(c)).ToList() is { Count: > 0 } skipped)
            throw new ArgumentException(
                $"{source} has columns that are not numeric: {string.Join(", ", skipped.Select(c => $"'{ErrorText.Visible(c.Name)}' ({c.DataType.Name})"))}; " +
                "name the feature columns in TensorConversionOptions.FeatureColumnNames, or convert or drop those columns (a numeric column with a value that did not parse is read as text).");
        if (features.Length == 0) throw new ArgumentException($"{source} has no numeric feature columns besides '{ErrorText.Visible(label.Name)}'.");
        foreach (var f in features)
        {
            if (f == label) throw new ArgumentException($"Column '{ErrorText.Visible(f.Name)}' is both a feature and the label.");
            if (!IsFeature(f))
                throw new ArgumentException($"Feature column '{ErrorText.Visible(f.Name)}' of {source} holds {f.DataType.Name}; expected a numeric or Boolean column" +
                    (f.DataType.IsGenericType && f.DataType.GetGenericTypeDefinition() == typeof(VBuffer<>)
                        ? $", or vectors of Single or Double (this one's are {f.DataType.GetGenericArguments()[0].Name})." : "."));
        }
        if (!IsNumeric(label.DataType))
            throw new ArgumentException($"Label column '{ErrorText.Visible(label.Name)}' of {source} holds {label.DataType.Name}; expected a numeric or Boolean column.");
        bool floating = label.DataType == typeof(float) || label.DataType == typeof(double) || label.DataType == typeof(decimal);
        var targets = options.Targets ?? (floating ? TargetKind.Regression : TargetKind.ClassIndex);

        var vectors = features.Select(VectorReader).ToArray();
        // A vector column's width is its first row's; an empty frame has no rows to refuse, and the builder says so.
        var widths = vectors.Select((v, j) => v is null ? 1 : frame.Rows.Count > 0 ? v(0).Length : 1).ToArray();
        var builder = new TensorDatasetBuilder(source, widths.Sum(), targets, targets == TargetKind.Regression ? 1 : 0, frame.Rows.Count);
        var readers = features.Select(Reader).ToArray();
        var labelReader = Reader(label);
        for (long row = 0; row < frame.Rows.Count; row++)
        {
            for (int j = 0; j < features.Length; j++)
            {
                if (vectors[j] is not { } vector)
                {
                    builder.AddFeature(readers[j](row) ?? throw Null(source, features[j], row), features[j].Name, -1, row);
                    continue;
                }
                double[] values = vector(row);
                if (values.Length != widths[j] || values.Length == 0)
                    throw new InvalidDataException($"{source}: column '{ErrorText.Visible(features[j].Name)}', row {row}: a vector of {values.Length} values, " +
                        (values.Length == 0 ? "expected at least one." : $"where row 0's has {widths[j]}; every row's must be as long."));
                for (int k = 0; k < values.Length; k++) builder.AddFeature(values[k], features[j].Name, k, row);
            }
            double y = labelReader(row) ?? throw Null(source, label, row);
            if (targets == TargetKind.ClassIndex) builder.AddClass(y, label.Name, row);
            else builder.AddTarget(label.DataType == typeof(bool) ? (y != 0 ? 1 : -1) : y, label.Name, -1, row);
            builder.EndRow();
        }
        return builder.Build(options.SampleShape, options.Name ?? "dataframe");
    }

    /// <summary>
    /// Throws at the first null of <paramref name="columns"/> in <paramref name="frame"/>. Read as an IDataView, a
    /// DataFrame hands a null in a column of integers or Booleans on as 0 or false (Microsoft.Data.Analysis's getters
    /// return the default value), so without this the same frame would give other data on the IDataView path.
    /// </summary>
    internal static void RefuseNulls(DataFrame frame, IEnumerable<string> columns, string source)
    {
        foreach (var name in columns)
        {
            int index = frame.Columns.IndexOf(name);
            if (index < 0 || frame.Columns[index].NullCount == 0) continue;
            var column = frame.Columns[index];
            for (long row = 0; row < column.Length; row++)
                if (column[row] is null) throw Null(source, column, row);
        }
    }

    private static InvalidDataException Null(string source, DataFrameColumn column, long row) =>
        new($"{source}: column '{ErrorText.Visible(column.Name)}', row {row}: the value is missing (null).");

    private static bool IsFeature(DataFrameColumn column) => IsNumeric(column.DataType) || VectorReader(column) is not null;

    /// <summary>A reader of a vector column's dense values at a row; null for a column that is not one of Single or Double vectors.</summary>
    private static Func<long, double[]>? VectorReader(DataFrameColumn column) => column switch
    {
        VBufferDataFrameColumn<float> f => row => f[row].DenseValues().Select(v => (double)v).ToArray(),
        VBufferDataFrameColumn<double> d => row => d[row].DenseValues().ToArray(),
        _ => null,
    };

    private static bool IsNumeric(Type type) => type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(bool) || Integers.Contains(type);

    private static DataFrameColumn Find(DataFrame frame, string name, string role, string source)
    {
        int index = frame.Columns.IndexOf(name);
        if (index < 0)
            throw new ArgumentException(
                $"{source} has no {role} column '{ErrorText.Visible(name)}'; its columns are: " +
                string.Join(", ", frame.Columns.Select(c => $"{ErrorText.Visible(c.Name)} ({c.DataType.Name})")) + ".");
        return frame.Columns[index];
    }

    /// <summary>A reader of one column's value at a row as double, null where the value is missing.</summary>
    private static Func<long, double?> Reader(DataFrameColumn column) => column switch
    {
        PrimitiveDataFrameColumn<float> f => row => f[row],
        PrimitiveDataFrameColumn<double> d => row => d[row],
        _ => row => column[row] switch
        {
            null => null,
            bool b => b ? 1 : 0,
            var value => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
