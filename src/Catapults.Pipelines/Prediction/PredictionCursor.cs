namespace Catapults.Pipelines.Prediction;

/// <summary>A cursor over a prediction view: wraps a cursor of the input view.</summary>
internal sealed class PredictionCursor : MappedCursor
{
    private readonly ChunkedOutputSource? _chunked;
    private long _row = -1;

    public PredictionCursor(BoundSchema bound, IDataView inputView, TorchNetworkModelParameters model, bool[] active, Random? rand)
        : base(bound.OutputSchema)
    {
        var needed = PredictionGetters.InputColumnsNeeded(bound, active, out bool anyPrediction);
        Input = inputView.GetRowCursor(bound.InputSchema.Where(c => needed[c.Index]), rand);
        IRawOutputSource? source = null;
        if (anyPrediction)
        {
            if (rand is null) source = _chunked = new ChunkedOutputSource(inputView, bound.FeatureColumn, model);
            else source = new RowOutputSource(Input, bound.FeatureColumn, model);
        }
        Getters = new PredictionGetters(bound, Input, source, active);
    }

    public override bool MoveNext()
    {
        if (!Input.MoveNext()) return false;
        _row++;
        if (_chunked is not null) _chunked.Row = _row;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _chunked?.Dispose();
        base.Dispose(disposing);
    }
}
