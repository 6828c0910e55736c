namespace Catapults.Pipelines.Data;

// Row classes for DataOperationsCatalog.LoadFromEnumerable, one per label type. The schema definition built in
// ImageDataView fixes the vector sizes and the key range; these classes only carry the values.

/// <summary>
/// A row with a key label, for cross-entropy. The field holds the 0-based class index: LoadFromEnumerable itself
/// shifts key fields by one into the IDataView's 1-based keys (0 there means missing).
/// </summary>
internal sealed class KeyLabelRow
{
    public float[] Features = [];
    public uint Label;
}

/// <summary>A row with a single float label (±1 for a binary task).</summary>
internal sealed class ScalarLabelRow
{
    public float[] Features = [];
    public float Label;
}

/// <summary>A row with a float vector label (one-hot or ±1 over K classes).</summary>
internal sealed class VectorLabelRow
{
    public float[] Features = [];
    public float[] Label = [];
}
