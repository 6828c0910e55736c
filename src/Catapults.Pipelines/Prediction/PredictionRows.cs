using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Prediction;

/// <summary>Getters of a prediction row: pass-through columns come from the input row, prediction columns from the head.</summary>
internal sealed class PredictionGetters : IOutputGetters
{
    private readonly BoundSchema _bound;
    private readonly DataViewRow _input;
    private readonly IRawOutputSource? _source;
    private readonly bool[] _active;
    private readonly Delegate?[] _headGetters;

    public PredictionGetters(BoundSchema bound, DataViewRow input, IRawOutputSource? source, bool[] active)
    {
        _bound = bound;
        _input = input;
        _source = source;
        _active = active;
        _headGetters = new Delegate?[bound.Head.Columns.Count];
    }

    public bool IsActive(DataViewSchema.Column column)
    {
        _bound.CheckOutputColumn(column);
        return _active[column.Index];
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        _bound.CheckOutputColumn(column);
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' is not active: ask for it when creating the cursor or row.");
        if (column.Index < _bound.InputCount)
            return _input.GetGetter<TValue>(_bound.InputSchema[column.Index]);
        int head = column.Index - _bound.InputCount;
        var getter = _headGetters[head] ??= _bound.Head.CreateGetter(head, _source!);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' holds {column.Type} values (raw type {column.Type.RawType.Name}); a getter of {typeof(TValue).Name} was asked for.");
    }

    /// <summary>Which input columns a set of active output columns needs.</summary>
    public static bool[] InputColumnsNeeded(BoundSchema bound, bool[] activeOutput, out bool anyPrediction)
    {
        var needed = new bool[bound.InputCount];
        anyPrediction = false;
        for (int i = 0; i < activeOutput.Length; i++)
        {
            if (!activeOutput[i]) continue;
            if (i < bound.InputCount) needed[i] = true;
            else anyPrediction = true;
        }
        if (anyPrediction) needed[bound.FeatureColumn.Index] = true;
        return needed;
    }

    /// <summary>The active flags over the output schema for a list of output columns.</summary>
    public static bool[] ActiveFlags(BoundSchema bound, IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[bound.OutputSchema.Count];
        foreach (var column in columns)
        {
            bound.CheckOutputColumn(column);
            active[column.Index] = true;
        }
        return active;
    }
}

/// <summary>A row of a prediction mapper: wraps one input row.</summary>
internal sealed class PredictionRow : MappedRow
{
    public PredictionRow(BoundSchema bound, DataViewRow input, TorchNetworkModelParameters model, bool[] active) : base(bound.OutputSchema)
    {
        Input = input;
        PredictionGetters.InputColumnsNeeded(bound, active, out bool anyPrediction);
        var source = anyPrediction ? new RowOutputSource(input, bound.FeatureColumn, model) : null;
        Getters = new PredictionGetters(bound, input, source, active);
    }
}

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
        return new PredictionRow(_bound, input, _model, PredictionGetters.ActiveFlags(_bound, activeColumns));
    }
}
