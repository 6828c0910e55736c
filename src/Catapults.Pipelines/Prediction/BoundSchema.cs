namespace Catapults.Pipelines.Prediction;

/// <summary>
/// A prediction transformer applied to one input schema: the input columns pass through unchanged and the head's
/// columns follow them (hiding input columns of the same name, as ML.NET's scorers do).
/// </summary>
internal sealed class BoundSchema
{
    public BoundSchema(DataViewSchema input, string featureColumnName, int featureCount, PredictionHead head)
    {
        InputSchema = input;
        Head = head;
        FeatureColumn = ColumnChecks.PredictionFeatures(input, featureColumnName, featureCount);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var column in head.Columns) builder.AddColumn(column.Name, column.Type, column.Annotations);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public PredictionHead Head { get; }

    /// <summary>The feature column in the input schema.</summary>
    public DataViewSchema.Column FeatureColumn { get; }

    /// <summary>Number of pass-through columns; output columns at or after this index are predictions.</summary>
    public int InputCount => InputSchema.Count;

    /// <summary>Checks that <paramref name="column"/> belongs to the output schema.</summary>
    public void CheckOutputColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= OutputSchema.Count || OutputSchema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not a column of this output schema.");
    }
}
