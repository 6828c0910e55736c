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
