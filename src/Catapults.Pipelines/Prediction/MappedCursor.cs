namespace Catapults.Pipelines.Prediction;

/// <summary>
/// A cursor of a row-to-row mapping: the same forwarding as <see cref="MappedRow"/> over an input cursor. A mapping
/// whose cursor needs more than the input and its getters derives from it.
/// </summary>
internal class MappedCursor : DataViewRowCursor
{
    /// <summary>A cursor of <paramref name="schema"/> over <paramref name="input"/>, whose values <paramref name="getters"/> give.</summary>
    public MappedCursor(DataViewSchema schema, DataViewRowCursor input, IOutputGetters getters) : this(schema)
    {
        Input = input;
        Getters = getters;
    }

    /// <summary>For a derived cursor, which sets <see cref="Input"/> and <see cref="Getters"/> in its constructor.</summary>
    protected MappedCursor(DataViewSchema schema) => Schema = schema;

    /// <summary>The input cursor.</summary>
    protected DataViewRowCursor Input { get; set; } = null!;

    /// <summary>The mapping's getters.</summary>
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
