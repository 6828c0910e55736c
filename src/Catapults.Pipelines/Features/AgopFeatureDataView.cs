using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

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
        return Cursor(_input.GetRowCursor(_binding.Dependencies(active), rand), active);
    }

    // Rows map independently, so the input's parallel cursors can be wrapped one by one.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = _binding.ActiveFlags(columnsNeeded);
        return _input.GetRowCursorSet(_binding.Dependencies(active), n, rand)
            .Select(c => Cursor(c, active)).ToArray();
    }

    private DataViewRowCursor Cursor(DataViewRowCursor input, bool[] active) =>
        new MappedCursor(_binding.OutputSchema, input, new AgopFeatureGetters(_binding, input, active));
}
