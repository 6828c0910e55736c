namespace Catapults.Pipelines.Prediction;

/// <summary>
/// Computes f(x) one row at a time from a row's feature getter, caching by row position: used by the row-to-row
/// mapper (PredictionEngine, composite mappers) and by cursors over shuffled views.
/// </summary>
internal sealed class RowOutputSource : IRawOutputSource
{
    private readonly DataViewRow _row;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly TorchNetworkModelParameters _model;
    private readonly float[] _input;
    private readonly float[] _output;
    private VBuffer<float> _buffer;
    private long _cachedPosition = -1;

    public RowOutputSource(DataViewRow row, DataViewSchema.Column featureColumn, TorchNetworkModelParameters model)
    {
        _row = row;
        _features = row.GetGetter<VBuffer<float>>(featureColumn);
        _model = model;
        _input = new float[model.InputDimension];
        _output = new float[model.OutputCount];
    }

    public ReadOnlySpan<float> Current()
    {
        long position = _row.Position;
        if (position != _cachedPosition || position < 0)
        {
            _features(ref _buffer);
            FeatureVectors.CopyDense(in _buffer, _input);
            _model.PredictRaw(_input, 1, _output);
            _cachedPosition = position;
        }
        return _output;
    }
}
