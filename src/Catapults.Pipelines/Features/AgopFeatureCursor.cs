using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

/// <summary>A cursor of the AGOP feature view: wraps a cursor of the input.</summary>
internal sealed class AgopFeatureCursor : MappedCursor
{
    public AgopFeatureCursor(AgopFeatureBinding binding, DataViewRowCursor input, bool[] active) : base(binding.OutputSchema)
    {
        Input = input;
        Getters = new AgopFeatureGetters(binding, input, active);
    }
}
