using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

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
