namespace Catapults.Pipelines.Data;

/// <summary>A row with a single float label (±1 for a binary task).</summary>
internal sealed class ScalarLabelRow
{
    public float[] Features = [];
    public float Label;
}
