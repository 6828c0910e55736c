namespace Catapults.Pipelines.Prediction;

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
