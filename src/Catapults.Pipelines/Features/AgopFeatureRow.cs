using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

/// <summary>A row of the AGOP feature mapper.</summary>
internal sealed class AgopFeatureRow : MappedRow
{
    public AgopFeatureRow(AgopFeatureBinding binding, DataViewRow input, bool[] active) : base(binding.OutputSchema)
    {
        Input = input;
        Getters = new AgopFeatureGetters(binding, input, active);
    }
}
