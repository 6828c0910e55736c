namespace Catapults.Pipelines.Data;

/// <summary>A row with a float vector label (one-hot or ±1 over K classes).</summary>
internal sealed class VectorLabelRow
{
    public float[] Features = [];
    public float[] Label = [];
}
