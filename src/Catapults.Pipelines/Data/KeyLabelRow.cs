namespace Catapults.Pipelines.Data;

/// <summary>
/// A row with a key label, for cross-entropy. The field holds the 0-based class index: LoadFromEnumerable itself
/// shifts key fields by one into the IDataView's 1-based keys (0 there means missing).
/// </summary>
internal sealed class KeyLabelRow
{
    public float[] Features = [];
    public uint Label;
}
