using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Features;

/// <summary>An AGOP feature transformer applied to one input schema: the input columns, then the feature column.</summary>
internal sealed class AgopFeatureBinding
{
    public AgopFeatureBinding(DataViewSchema input, DataViewSchema.Column inputColumn, AgopFeatureTransformer transformer)
    {
        InputSchema = input;
        InputColumn = inputColumn;
        Transformer = transformer;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumn(transformer.OutputColumnName, transformer.OutputType);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public DataViewSchema.Column InputColumn { get; }
    public AgopFeatureTransformer Transformer { get; }
    public int OutputIndex => InputSchema.Count;

    public bool[] ActiveFlags(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (var column in columns)
        {
            if (column.Index < 0 || column.Index >= OutputSchema.Count || OutputSchema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column '{column.Name}' (index {column.Index}) is not a column of this output schema.");
            active[column.Index] = true;
        }
        return active;
    }

    /// <summary>The input columns the active output columns depend on.</summary>
    public List<DataViewSchema.Column> Dependencies(bool[] active)
    {
        var needed = new bool[InputSchema.Count];
        for (int i = 0; i < InputSchema.Count; i++) needed[i] = active[i];
        if (active[OutputIndex]) needed[InputColumn.Index] = true;
        return InputSchema.Where(c => needed[c.Index]).ToList();
    }
}

/// <summary>Getters over one input row: pass-through columns from the row, the feature column computed and cached by position.</summary>
internal sealed class AgopFeatureGetters : IOutputGetters
{
    private readonly AgopFeatureBinding _binding;
    private readonly DataViewRow _input;
    private readonly bool[] _active;
    private readonly float[] _x;
    private readonly float[] _y;
    private ValueGetter<VBuffer<float>>? _inputGetter;
    private VBuffer<float> _buffer;
    private long _cachedPosition = -1;

    public AgopFeatureGetters(AgopFeatureBinding binding, DataViewRow input, bool[] active)
    {
        _binding = binding;
        _input = input;
        _active = active;
        _x = new float[binding.Transformer.InputDimension];
        _y = new float[binding.Transformer.OutputDimension];
    }

    public bool IsActive(DataViewSchema.Column column) => _active[Check(column)];

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int index = Check(column);
        if (!_active[index])
            throw new InvalidOperationException($"Column '{column.Name}' is not active: ask for it when creating the cursor or row.");
        if (index < _binding.InputSchema.Count) return _input.GetGetter<TValue>(_binding.InputSchema[index]);
        ValueGetter<VBuffer<float>> getter = Features;
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' holds vectors of Single; a getter of {typeof(TValue).Name} was asked for.");
    }

    private void Features(ref VBuffer<float> value)
    {
        long position = _input.Position;
        if (position != _cachedPosition || position < 0)
        {
            _inputGetter ??= _input.GetGetter<VBuffer<float>>(_binding.InputColumn);
            _inputGetter(ref _buffer);
            FeatureVectors.CopyDense(in _buffer, _x);
            _binding.Transformer.Map.Transform(_x, _y);
            _cachedPosition = position;
        }
        var editor = VBufferEditor.Create(ref value, _y.Length);
        _y.CopyTo(editor.Values);
        value = editor.Commit();
    }

    private int Check(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _binding.OutputSchema.Count || _binding.OutputSchema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not a column of this output schema.");
        return column.Index;
    }
}

/// <summary>A row of the AGOP feature mapper.</summary>
internal sealed class AgopFeatureRow : MappedRow
{
    public AgopFeatureRow(AgopFeatureBinding binding, DataViewRow input, bool[] active) : base(binding.OutputSchema)
    {
        Input = input;
        Getters = new AgopFeatureGetters(binding, input, active);
    }
}

/// <summary>A cursor of the AGOP feature view: wraps a cursor of the input.</summary>
internal sealed class AgopFeatureCursor : MappedCursor
{
    public AgopFeatureCursor(AgopFeatureBinding binding, DataViewRowCursor input, bool[] active) : base(binding.OutputSchema)
    {
        Input = input;
        Getters = new AgopFeatureGetters(binding, input, active);
    }
}

/// <summary>The output of <see cref="AgopFeatureTransformer.Transform"/>.</summary>
internal sealed class AgopFeatureDataView : IDataView
{
    private readonly IDataView _input;
    private readonly AgopFeatureBinding _binding;

    public AgopFeatureDataView(IDataView input, AgopFeatureBinding binding)
    {
        _input = input;
        _binding = binding;
    }

    public bool CanShuffle => _input.CanShuffle;
    public DataViewSchema Schema => _binding.OutputSchema;
    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = _binding.ActiveFlags(columnsNeeded);
        return new AgopFeatureCursor(_binding, _input.GetRowCursor(_binding.Dependencies(active), rand), active);
    }

    // Rows map independently, so the input's parallel cursors can be wrapped one by one.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = _binding.ActiveFlags(columnsNeeded);
        return _input.GetRowCursorSet(_binding.Dependencies(active), n, rand)
            .Select(c => (DataViewRowCursor)new AgopFeatureCursor(_binding, c, active)).ToArray();
    }
}

/// <summary>The row-to-row mapper of an AGOP feature transformer (what PredictionEngine and composite mappers use).</summary>
internal sealed class AgopFeatureMapper : IRowToRowMapper
{
    private readonly AgopFeatureBinding _binding;

    public AgopFeatureMapper(AgopFeatureBinding binding) => _binding = binding;

    public DataViewSchema InputSchema => _binding.InputSchema;
    public DataViewSchema OutputSchema => _binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        _binding.Dependencies(_binding.ActiveFlags(dependingColumns));

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Schema.Count != _binding.InputSchema.Count || input.Schema[_binding.InputColumn.Index].Name != _binding.InputColumn.Name)
            throw new ArgumentException("The row's schema is not the schema this mapper was created for.", nameof(input));
        return new AgopFeatureRow(_binding, input, _binding.ActiveFlags(activeColumns));
    }
}
