namespace Catapults.Pipelines.Prediction;

/// <summary>The row-to-row mapper of a prediction transformer (what PredictionEngine and composite mappers use).</summary>
internal sealed class PredictionRowMapper : IRowToRowMapper
{
    private readonly BoundSchema _bound;
    private readonly TorchNetworkModelParameters _model;

    public PredictionRowMapper(BoundSchema bound, TorchNetworkModelParameters model)
    {
        _bound = bound;
        _model = model;
    }

    public DataViewSchema InputSchema => _bound.InputSchema;
    public DataViewSchema OutputSchema => _bound.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = PredictionGetters.InputColumnsNeeded(_bound, PredictionGetters.ActiveFlags(_bound, dependingColumns), out _);
        return _bound.InputSchema.Where(c => needed[c.Index]).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Schema.Count != _bound.InputSchema.Count || input.Schema[_bound.FeatureColumn.Index].Name != _bound.FeatureColumn.Name)
            throw new ArgumentException("The row's schema is not the schema this mapper was created for.", nameof(input));
        var active = PredictionGetters.ActiveFlags(_bound, activeColumns);
        PredictionGetters.InputColumnsNeeded(_bound, active, out bool anyPrediction);
        var source = anyPrediction ? new RowOutputSource(input, _bound.FeatureColumn, _model) : null;
        return new MappedRow(_bound.OutputSchema, input, new PredictionGetters(_bound, input, source, active));
    }
}
