namespace Catapults.Pipelines.Prediction;

/// <summary>Output-schema propagation for the estimators (<see cref="IEstimator{TTransformer}.GetOutputSchema"/>).</summary>
/// <remarks>
/// ML.NET gives an outside assembly no public way to make a new <see cref="SchemaShape.Column"/> (its constructor and
/// <c>SchemaShape.Create(DataViewSchema)</c> are internal). The estimators describe their output columns as a real
/// <see cref="DataViewSchema"/> and turn it into a shape through <c>SchemaShape.Create</c>, found by reflection, so
/// the shapes match exactly what ML.NET derives from the transformer's output schema.
/// </remarks>
internal static class OutputShapes
{
    private static readonly System.Reflection.MethodInfo? CreateShape = typeof(SchemaShape).GetMethod("Create",
        System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
        new[] { typeof(DataViewSchema) });

    /// <summary>The shape ML.NET derives from <paramref name="schema"/>.</summary>
    public static SchemaShape FromSchema(DataViewSchema schema)
    {
        if (CreateShape is null)
            throw new NotSupportedException(
                "This version of Microsoft.ML has no SchemaShape.Create(DataViewSchema); the network estimators were built against Microsoft.ML 5.0.1.");
        return (SchemaShape)CreateShape.Invoke(null, new object[] { schema })!;
    }

    /// <summary>The column of <paramref name="shape"/> named <paramref name="name"/>, if any.</summary>
    public static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        column = default;
        return false;
    }

    /// <summary>The input shape with the head's columns added (replacing input columns of the same name in place).</summary>
    public static SchemaShape Append(SchemaShape input, PredictionHead head)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in head.Columns) builder.AddColumn(column.Name, column.Type, column.Annotations);
        var added = FromSchema(builder.ToSchema());
        var result = input.ToList();
        foreach (var column in added)
        {
            int existing = result.FindIndex(c => c.Name == column.Name);
            if (existing >= 0) result[existing] = column;
            else result.Add(column);
        }
        return new SchemaShape(result);
    }

    /// <summary>The key values a multiclass label shape promises, as a placeholder set of the right item type.</summary>
    public static KeyValueSet? KeyValuesOf(SchemaShape.Column label, int count) =>
        TryFind(label.Annotations, KeyValueSet.KeyValuesKind, out var values) && values.Kind == SchemaShape.Column.VectorKind.Vector
            ? KeyValueSet.Placeholder(values.ItemType, count)
            : null;
}
