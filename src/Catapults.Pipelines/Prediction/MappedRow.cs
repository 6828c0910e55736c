namespace Catapults.Pipelines.Prediction;

/// <summary>
/// A row of a row-to-row mapping: position, batch and id are the input row's, values come from the mapping's
/// getters. The row owns its input row and disposes it.
/// </summary>
/// <param name="schema">The mapping's output schema.</param>
/// <param name="input">The input row.</param>
/// <param name="getters">The mapping's getters over <paramref name="input"/>.</param>
internal sealed class MappedRow(DataViewSchema schema, DataViewRow input, IOutputGetters getters) : DataViewRow
{
    public override DataViewSchema Schema => schema;
    public override long Position => input.Position;
    public override long Batch => input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => getters.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => getters.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }
}
