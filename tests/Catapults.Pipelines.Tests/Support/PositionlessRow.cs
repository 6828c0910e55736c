using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Support;

/// <summary>A row whose position is unknown (−1), as a row built outside a cursor may be; everything else is <paramref name="row"/>'s.</summary>
internal sealed class PositionlessRow(DataViewRow row) : DataViewRow
{
    public override DataViewSchema Schema => row.Schema;
    public override long Position => -1;
    public override long Batch => row.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => row.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);
}
