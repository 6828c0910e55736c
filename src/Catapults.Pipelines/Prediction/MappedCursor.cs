namespace Catapults.Pipelines.Prediction;

/// <summary>A cursor of a row-to-row mapping: the same forwarding as <see cref="MappedRow"/> over an input cursor.</summary>
internal abstract class MappedCursor : DataViewRowCursor
{
    protected MappedCursor(DataViewSchema schema) => Schema = schema;

    /// <summary>The input cursor (set by the derived constructor).</summary>
    protected DataViewRowCursor Input { get; set; } = null!;

    /// <summary>The mapping's getters (set by the derived constructor).</summary>
    protected IOutputGetters Getters { get; set; } = null!;

    public override DataViewSchema Schema { get; }
    public override long Position => Input.Position;
    public override long Batch => Input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => Input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => Getters.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getters.GetGetter<TValue>(column);
    public override bool MoveNext() => Input.MoveNext();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Input.Dispose();
        base.Dispose(disposing);
    }
}
