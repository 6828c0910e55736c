namespace Catapults.Pipelines.Prediction;

/// <summary>
/// Computes f(x) for blocks of rows at once, reading features through a second cursor that runs ahead of the main
/// one. Valid only for unshuffled cursors: ML.NET views give two such cursors the same rows in the same order. Block
/// sizes start small (so a preview of a few rows stays cheap) and double up to a cap.
/// </summary>
internal sealed class ChunkedOutputSource : IRawOutputSource, IDisposable
{
    private const int FirstChunkRows = 32;
    private const int MaxChunkElements = 1 << 20;

    private readonly DataViewRowCursor _ahead;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly TorchNetworkModelParameters _model;
    private readonly int _d;
    private readonly int _o;
    private readonly int _maxChunkRows;
    private VBuffer<float> _buffer;
    private float[] _inputs = Array.Empty<float>();
    private float[] _outputs = Array.Empty<float>();
    private long _chunkStart;
    private int _chunkCount;
    private int _nextChunkRows = FirstChunkRows;
    private long _aheadRows;

    public ChunkedOutputSource(IDataView input, DataViewSchema.Column featureColumn, TorchNetworkModelParameters model)
    {
        _ahead = input.GetRowCursor(new[] { featureColumn });
        _features = _ahead.GetGetter<VBuffer<float>>(featureColumn);
        _model = model;
        _d = model.InputDimension;
        _o = model.OutputCount;
        _maxChunkRows = Math.Max(FirstChunkRows, MaxChunkElements / Math.Max(_d, _o));
    }

    /// <summary>Index (from 0) of the main cursor's current row.</summary>
    public long Row { get; set; } = -1;

    public ReadOnlySpan<float> Current()
    {
        long row = Row;
        if (row < 0) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
        if (row < _chunkStart || row >= _chunkStart + _chunkCount) Fill(row);
        int offset = (int)(row - _chunkStart) * _o;
        return _outputs.AsSpan(offset, _o);
    }

    private void Fill(long row)
    {
        if (row < _chunkStart + _chunkCount)
            throw new InvalidOperationException("Rows were asked for out of order.");
        while (_aheadRows < row)
        {
            if (!_ahead.MoveNext()) throw Mismatch();
            _aheadRows++;
        }
        int rows = _nextChunkRows;
        _nextChunkRows = Math.Min(_nextChunkRows * 2, _maxChunkRows);
        if (_inputs.Length < rows * _d) _inputs = new float[rows * _d];
        if (_outputs.Length < rows * _o) _outputs = new float[rows * _o];
        int count = 0;
        while (count < rows && _ahead.MoveNext())
        {
            _features(ref _buffer);
            FeatureVectors.CopyDense(in _buffer, _inputs.AsSpan(count * _d, _d));
            count++;
            _aheadRows++;
        }
        if (count == 0) throw Mismatch();
        _model.PredictRaw(_inputs, count, _outputs);
        _chunkStart = row;
        _chunkCount = count;
    }

    private static InvalidOperationException Mismatch() => new(
        "The input view returned fewer rows to a second cursor than to the first; a prediction transformer needs a view " +
        "whose unshuffled cursors agree.");

    public void Dispose() => _ahead.Dispose();
}
