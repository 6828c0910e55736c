namespace Catapults.Pipelines.Prediction;

/// <summary>
/// A row of a row-to-row mapping: position, batch and id are the input row's, values come from the mapping's
/// getters. The row owns its input row and disposes it.
/// </summary>
internal sealed class MappedRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly IOutputGetters _getters;

    /// <summary>A row of <paramref name="schema"/> over <paramref name="input"/>, whose values <paramref name="getters"/> give.</summary>
    public MappedRow(DataViewSchema schema, DataViewRow input, IOutputGetters getters)
    {
        Schema = schema;
        _input = input;
        _getters = getters;
    }

    public override DataViewSchema Schema { get; }
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => _getters.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _getters.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _input.Dispose();
        base.Dispose(disposing);
    }
}
