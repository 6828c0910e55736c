namespace Catapults.Pipelines.Prediction;

/// <summary>
/// A row of a row-to-row mapping: position, batch and id are the input row's, values come from the mapping's
/// getters. The row owns its input row and disposes it.
/// </summary>
internal abstract class MappedRow : DataViewRow
{
    protected MappedRow(DataViewSchema schema) => Schema = schema;

    /// <summary>The input row (set by the derived constructor).</summary>
    protected DataViewRow Input { get; set; } = null!;

    /// <summary>The mapping's getters (set by the derived constructor).</summary>
    protected IOutputGetters Getters { get; set; } = null!;

    public override DataViewSchema Schema { get; }
    public override long Position => Input.Position;
    public override long Batch => Input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => Input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => Getters.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getters.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing) Input.Dispose();
        base.Dispose(disposing);
    }
}
