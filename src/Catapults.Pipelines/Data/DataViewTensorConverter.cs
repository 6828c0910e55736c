using Catapults.ML.Data;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Data;

/// <summary>
/// Turns any IDataView into an engine <see cref="TensorDataset"/>: numeric feature columns (scalars or vectors of
/// known size) concatenated into [n, d] float32, and a label column into class indices [n] int64 or regression
/// targets [n, O] float32 (<see cref="TensorConversionOptions.Targets"/>). The schema is checked before any row is
/// read: a missing column, a non-numeric type or a variable-length vector is an error naming the column; a NaN, an
/// infinity or a missing key is an error naming the column and the row.
/// </summary>
public static class DataViewTensorConverter
{
    /// <summary>Reads every row of <paramref name="data"/> into a tensor dataset.</summary>
    public static TensorDataset ToTensorDataset(this IDataView data, TensorConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TensorConversionOptions();
        string source = options.Name is { } n ? $"'{n}'" : "the IDataView";
        var schema = data.Schema;
        var label = Find(schema, options.LabelColumnName, "label", source);
        var featureNames = options.FeatureColumnNames ??
            schema.Where(c => !c.IsHidden && c.Name != options.LabelColumnName && IsNumericFeature(c.Type)).Select(c => c.Name).ToList();
        // As for a DataFrame: taking the others silently would drop a column (text, a vector of unknown size) without a word.
        if (options.FeatureColumnNames is null &&
            schema.Where(c => !c.IsHidden && c.Name != options.LabelColumnName && !IsNumericFeature(c.Type)).ToList() is { Count: > 0 } skipped)
            throw new ArgumentException(
                $"{source} has columns that are not numeric scalars or vectors of known size: {string.Join(", ", skipped.Select(c => $"'{ErrorText.Visible(c.Name)}' ({c.Type})"))}; " +
                "name the feature columns in TensorConversionOptions.FeatureColumnNames, or convert or drop those columns.");
        if (featureNames.Count == 0) throw new ArgumentException($"{source} has no numeric feature columns besides '{options.LabelColumnName}'.");
        var features = featureNames.Select(name => Find(schema, name, "feature", source)).ToArray();
        foreach (var f in features)
            if (f.Index == label.Index) throw new ArgumentException($"Column '{ErrorText.Visible(f.Name)}' is both a feature and the label.");
        var widths = features.Select(f => FeatureWidth(f, source)).ToArray();
        var (targets, targetWidth) = LabelKind(label, options.Targets, source);
        if (data is Microsoft.Data.Analysis.DataFrame frame) DataFrameTensorConverter.RefuseNulls(frame, features.Append(label).Select(c => c.Name), source);

        var builder = new TensorDatasetBuilder(source, widths.Sum(), targets, targetWidth, data.GetRowCount());
        using var cursor = data.GetRowCursor(features.Append(label).DistinctBy(c => c.Index));
        var featureReaders = features.Select(f => ValueReader.Create(cursor, f)).ToArray();
        var labelReader = ValueReader.Create(cursor, label);
        var values = new double[Math.Max(widths.Max(), Math.Max(1, targetWidth))];
        while (cursor.MoveNext())
        {
            long row = cursor.Position;
            for (int j = 0; j < features.Length; j++)
            {
                var span = values.AsSpan(0, widths[j]);
                featureReaders[j](span);
                bool vector = features[j].Type is VectorDataViewType;
                for (int e = 0; e < span.Length; e++) builder.AddFeature(span[e], features[j].Name, vector ? e : -1, row);
            }
            AddLabel(builder, labelReader, label, targets, targetWidth, values, row);
            builder.EndRow();
        }
        return builder.Build(options.SampleShape, options.Name ?? "dataview");
    }

    private static void AddLabel(TensorDatasetBuilder builder, Action<Span<double>> reader, DataViewSchema.Column label,
        TargetKind targets, int width, double[] values, long row)
    {
        var span = values.AsSpan(0, Math.Max(1, width));
        reader(span);
        var type = label.Type;
        if (type is KeyDataViewType)
        {
            if (span[0] == 0) throw new InvalidDataException($"Label column '{ErrorText.Visible(label.Name)}', row {row}: the key value is missing (0).");
            span[0] -= 1;
        }
        if (targets == TargetKind.ClassIndex)
        {
            builder.AddClass(span[0], label.Name, row);
            return;
        }
        if (type is BooleanDataViewType) span[0] = span[0] != 0 ? 1 : -1;
        bool vector = type is VectorDataViewType;
        for (int e = 0; e < width; e++) builder.AddTarget(span[e], label.Name, vector ? e : -1, row);
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role, string source)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is null)
            throw new ArgumentException(
                $"{source} has no {role} column '{ErrorText.Visible(name)}'; its columns are: " +
                string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{ErrorText.Visible(c.Name)} ({c.Type})")) + ".");
        return column.Value;
    }

    private static bool IsNumericFeature(DataViewType type) => type switch
    {
        VectorDataViewType v => v.Size > 0 && IsNumericItem(v.ItemType),
        _ => IsNumericItem(type),
    };

    private static bool IsNumericItem(DataViewType type) => type is NumberDataViewType or BooleanDataViewType;

    private static int FeatureWidth(DataViewSchema.Column column, string source)
    {
        switch (column.Type)
        {
            case VectorDataViewType { Size: 0 } v:
                throw new ArgumentException(
                    $"Feature column '{ErrorText.Visible(column.Name)}' of {source} is a variable-length vector ({v}); a tensor needs every row the same size. " +
                    "Give it a fixed size (e.g. a SchemaDefinition with a sized VectorDataViewType).");
            case VectorDataViewType v when IsNumericItem(v.ItemType):
                return v.Size;
            case KeyDataViewType:
                throw new ArgumentException($"Feature column '{ErrorText.Visible(column.Name)}' of {source} is a key ({column.Type}); map it to numbers (e.g. one-hot) first.");
            case var t when IsNumericItem(t):
                return 1;
            default:
                throw new ArgumentException($"Feature column '{ErrorText.Visible(column.Name)}' of {source} has type {column.Type}; expected a number or a numeric vector of known size.");
        }
    }

    private static (TargetKind Kind, int Width) LabelKind(DataViewSchema.Column label, TargetKind? requested, string source)
    {
        var type = label.Type;
        switch (type)
        {
            case VectorDataViewType { Size: 0 }:
                throw new ArgumentException($"Label column '{ErrorText.Visible(label.Name)}' of {source} is a variable-length vector ({type}); targets need a fixed size.");
            case VectorDataViewType v when v.ItemType is NumberDataViewType:
                if (requested == TargetKind.ClassIndex)
                    throw new ArgumentException($"Label column '{ErrorText.Visible(label.Name)}' is a vector ({type}); class-index targets need a scalar label.");
                return (TargetKind.Regression, v.Size);
            case KeyDataViewType or BooleanDataViewType:
                return (requested ?? TargetKind.ClassIndex, requested == TargetKind.Regression ? 1 : 0);
            case NumberDataViewType n:
                bool floating = n.RawType == typeof(float) || n.RawType == typeof(double);
                var kind = requested ?? (floating ? TargetKind.Regression : TargetKind.ClassIndex);
                return (kind, kind == TargetKind.Regression ? 1 : 0);
            default:
                throw new ArgumentException($"Label column '{ErrorText.Visible(label.Name)}' of {source} has type {type}; expected a number, key, Boolean or numeric vector of known size.");
        }
    }

    /// <summary>Getters that write one row's values of a column, converted to double.</summary>
    private static class ValueReader
    {
        public static Action<Span<double>> Create(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var type = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
            bool vector = column.Type is VectorDataViewType;
            var raw = type.RawType;
            return raw switch
            {
                _ when raw == typeof(float) => Make<float>(cursor, column, vector, x => x),
                _ when raw == typeof(double) => Make<double>(cursor, column, vector, x => x),
                _ when raw == typeof(sbyte) => Make<sbyte>(cursor, column, vector, x => x),
                _ when raw == typeof(byte) => Make<byte>(cursor, column, vector, x => x),
                _ when raw == typeof(short) => Make<short>(cursor, column, vector, x => x),
                _ when raw == typeof(ushort) => Make<ushort>(cursor, column, vector, x => x),
                _ when raw == typeof(int) => Make<int>(cursor, column, vector, x => x),
                _ when raw == typeof(uint) => Make<uint>(cursor, column, vector, x => x),
                _ when raw == typeof(long) => Make<long>(cursor, column, vector, x => x),
                _ when raw == typeof(ulong) => Make<ulong>(cursor, column, vector, x => x),
                _ when raw == typeof(bool) => Make<bool>(cursor, column, vector, x => x ? 1 : 0),
                _ => throw new ArgumentException($"Column '{ErrorText.Visible(column.Name)}' has type {column.Type}, which is not numeric."),
            };
        }

        private static Action<Span<double>> Make<T>(DataViewRowCursor cursor, DataViewSchema.Column column, bool vector, Func<T, double> convert)
        {
            if (!vector)
            {
                var getter = cursor.GetGetter<T>(column);
                T value = default!;
                return span =>
                {
                    getter(ref value);
                    span[0] = convert(value);
                };
            }
            var vectorGetter = cursor.GetGetter<VBuffer<T>>(column);
            var buffer = default(VBuffer<T>);
            return span =>
            {
                vectorGetter(ref buffer);
                if (buffer.Length != span.Length)
                    throw new InvalidDataException($"Column '{ErrorText.Visible(column.Name)}', row {cursor.Position}: vector of length {buffer.Length}, expected {span.Length}.");
                if (buffer.IsDense)
                {
                    var dense = buffer.GetValues();
                    for (int i = 0; i < dense.Length; i++) span[i] = convert(dense[i]);
                }
                else
                {
                    span.Clear();
                    var indices = buffer.GetIndices();
                    var items = buffer.GetValues();
                    for (int i = 0; i < indices.Length; i++) span[indices[i]] = convert(items[i]);
                }
            };
        }
    }
}
