using Catapults.ML.Models;
using Catapults.Pipelines.Data;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Prediction;

/// <summary>
/// Schema checks shared by the estimators and transformers. Each failure names the column, what was found and what
/// was expected, and says how to fix it.
/// </summary>
internal static class ColumnChecks
{
    private const string ParamName = "inputSchema";

    /// <summary>The feature column: a known-size, non-empty vector of Single. Returns the column and its size.</summary>
    public static (DataViewSchema.Column Column, int Dimension) Features(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, "Feature");
        if (column.Type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single)
        {
            if (!vector.IsKnownSize)
                throw new ArgumentException(
                    $"Feature column '{name}' is a variable-length vector of Single; the network needs the same number of features " +
                    "in every row. Give it a fixed size (for example with mlContext.Transforms.Concatenate of fixed-size columns).", ParamName);
            return (column, vector.Size);
        }
        throw new ArgumentException(
            $"Feature column '{name}' has type {column.Type}, but a known-size vector of Single is required. " +
            (column.Type == NumberDataViewType.Single
                ? $"Wrap scalar columns into a vector with mlContext.Transforms.Concatenate(\"{name}\", ...)."
                : "Convert it with mlContext.Transforms.Conversion.ConvertType(..., DataKind.Single) and Concatenate."), ParamName);
    }

    /// <summary>
    /// The feature column and the input shape <paramref name="network"/> is built for: [d] for a fully connected
    /// network, [C, H, W] for an image network.
    /// </summary>
    /// <exception cref="ArgumentException">The column is missing or not a known-size Single vector, or an image network's column has no known image shape.</exception>
    public static (DataViewSchema.Column Column, long[] InputShape) NetworkFeatures(DataViewSchema schema, string name, NetworkDescription network)
    {
        var (column, d) = Features(schema, name);
        var kind = network.Spec.Kind;
        if (kind == ArchitectureKind.FullyConnected) return (column, new long[] { d });
        var shape = ImageColumnShape.Read(column) ?? throw new ArgumentException(
            $"Feature column '{name}' has {d} slots but no image shape, which {network.Architecture} needs: load it with LoadCifar10/LoadSvhn/LoadCelebA " +
            "or ExtractPixels directly before the trainer, or declare it as a vector of (C, H, W) dimensions.", ParamName);
        if (shape.Size != d)
            throw new ArgumentException($"Feature column '{name}' has {d} slots, but its image shape {shape} holds {shape.Size}.", ParamName);
        return (column, shape.ToArray());
    }

    /// <summary>The feature column at prediction time: exactly a vector of <paramref name="dimension"/> Single values.</summary>
    public static DataViewSchema.Column PredictionFeatures(DataViewSchema schema, string name, int dimension)
    {
        var (column, size) = Features(schema, name);
        if (size != dimension)
            throw new ArgumentException(
                $"Feature column '{name}' has {size} slots, but the network was trained on {dimension} features.", ParamName);
        return column;
    }

    /// <summary>A regression label: a Single scalar.</summary>
    public static DataViewSchema.Column RegressionLabel(DataViewSchema schema, string name) =>
        LabelOfType(schema, name, NumberDataViewType.Single,
            "regression needs a Single label. Convert it with mlContext.Transforms.Conversion.ConvertType(..., DataKind.Single).");

    /// <summary>A binary label: Boolean.</summary>
    public static DataViewSchema.Column BinaryLabel(DataViewSchema schema, string name) =>
        LabelOfType(schema, name, BooleanDataViewType.Instance,
            "binary classification needs a Boolean label (true for the positive class). " +
            "Convert it, e.g. with mlContext.Transforms.CustomMapping or ConvertType(..., DataKind.Boolean).");

    /// <summary>A multiclass label: a UInt32 key of K values, 2 ≤ K ≤ int.MaxValue. Returns the column and K.</summary>
    public static (DataViewSchema.Column Column, int ClassCount) MulticlassLabel(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, "Label");
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentException(
                $"Label column '{name}' has type {column.Type}, but multiclass classification needs a key-typed label. " +
                $"Map the class values to keys with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").", ParamName);
        if (key.RawType != typeof(uint))
            throw new ArgumentException(
                $"Label column '{name}' is a key of {key.RawType.Name}; multiclass classification needs UInt32 keys, as ML.NET's trainers do. " +
                $"Load it as DataKind.UInt32 with its KeyCount, or map the class values with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").", ParamName);
        // ML.NET's KeyDataViewType refuses a count of 0, so every key here has a known cardinality; it can still be
        // more than an output layer's int-sized width.
        if (key.Count > int.MaxValue)
            throw new ArgumentException(
                $"Label column '{name}' is a key of {key.Count} values; the network's output layer holds at most {int.MaxValue} classes. " +
                "Map the class values actually present with MapValueToKey.", ParamName);
        if (key.Count < 2)
            throw new ArgumentException(
                $"Label column '{name}' is a key with {key.Count} value; multiclass classification needs at least 2 classes.", ParamName);
        return (column, (int)key.Count);
    }

    /// <summary>The feature column of a schema shape (estimator output-schema propagation).</summary>
    public static void Features(SchemaShape shape, string name)
    {
        var column = Find(shape, name, "Feature");
        if (column.Kind == SchemaShape.Column.VectorKind.VariableVector && column.ItemType == NumberDataViewType.Single && !column.IsKey)
            throw new ArgumentException(
                $"Feature column '{name}' is a variable-length vector of Single; the network needs the same number of features in every row.", ParamName);
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
            throw new ArgumentException(
                $"Feature column '{name}' is {Describe(column)}, but a known-size vector of Single is required. " +
                $"Build it with mlContext.Transforms.Concatenate(\"{name}\", ...).", ParamName);
    }

    /// <summary>The label column of a schema shape, checked for <paramref name="kind"/>.</summary>
    public static SchemaShape.Column Label(SchemaShape shape, string name, PredictionKind kind)
    {
        var column = Find(shape, name, "Label");
        bool scalar = column.Kind == SchemaShape.Column.VectorKind.Scalar;
        switch (kind)
        {
            case PredictionKind.Regression when !(scalar && !column.IsKey && column.ItemType == NumberDataViewType.Single):
                throw new ArgumentException($"Label column '{name}' is {Describe(column)}, but regression needs a Single label.", ParamName);
            case PredictionKind.BinaryClassification when !(scalar && !column.IsKey && column.ItemType == BooleanDataViewType.Instance):
                throw new ArgumentException($"Label column '{name}' is {Describe(column)}, but binary classification needs a Boolean label.", ParamName);
            // The key's raw type is checked here too, as Fit checks it: ML.NET's own trainers refuse a Byte key in both.
            case PredictionKind.MulticlassClassification when !(scalar && column.IsKey && column.ItemType == NumberDataViewType.UInt32):
                throw new ArgumentException(
                    $"Label column '{name}' is {Describe(column)}, but multiclass classification needs a UInt32 key-typed label " +
                    $"(use mlContext.Transforms.Conversion.MapValueToKey(\"{name}\")).", ParamName);
        }
        return column;
    }

    // The task's need (with how to meet it) completes the message.
    private static DataViewSchema.Column LabelOfType(DataViewSchema schema, string name, DataViewType type, string need)
    {
        var column = Find(schema, name, "Label");
        if (column.Type != type)
            throw new ArgumentException($"Label column '{name}' has type {column.Type}, but {need}", ParamName);
        return column;
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"{role} column '{ErrorText.Visible(name)}' was not found in the input. Available columns: " +
            $"{string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{ErrorText.Visible(c.Name)}'"))}.", ParamName);
    }

    private static SchemaShape.Column Find(SchemaShape shape, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (OutputShapes.TryFind(shape, name, out var column)) return column;
        throw new ArgumentException(
            $"{role} column '{ErrorText.Visible(name)}' was not found in the input. Available columns: {string.Join(", ", shape.Select(c => $"'{ErrorText.Visible(c.Name)}'"))}.", ParamName);
    }

    private static string Describe(SchemaShape.Column column) =>
        $"{column.Kind switch { SchemaShape.Column.VectorKind.Scalar => "a scalar", SchemaShape.Column.VectorKind.Vector => "a vector", _ => "a variable-length vector" }} " +
        $"of {(column.IsKey ? "key " : "")}{column.ItemType}";
}
