namespace Catapults.Pipelines.Prediction;

/// <summary>The output of a prediction transformer's <c>Transform</c>: the input view plus prediction columns, computed lazily.</summary>
internal sealed class PredictionDataView : IDataView
{
    private readonly IDataView _input;
    private readonly BoundSchema _bound;
    private readonly TorchNetworkModelParameters _model;

    public PredictionDataView(IDataView input, BoundSchema bound, TorchNetworkModelParameters model)
    {
        _input = input;
        _bound = bound;
        _model = model;
    }

    public bool CanShuffle => _input.CanShuffle;
    public DataViewSchema Schema => _bound.OutputSchema;
    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new PredictionCursor(_bound, _input, _model, PredictionGetters.ActiveFlags(_bound, columnsNeeded), rand);

    // One cursor: predictions are already computed in blocks, so splitting the rows would gain little.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}
