using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

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
        return new MappedRow(_binding.OutputSchema, input, new AgopFeatureGetters(_binding, input, _binding.ActiveFlags(activeColumns)));
    }
}
