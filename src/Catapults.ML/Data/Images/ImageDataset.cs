namespace Catapults.ML.Data.Images;

/// <summary>
/// An image dataset loaded into tensors for the engine, with what is needed to interpret and reproduce it. Owns
/// <see cref="Data"/>; dispose it (or this) when done.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    internal ImageDataset(TensorDataset data, string datasetName, ImageShape shape, ImageSelection selection, ChannelStatistics? statistics)
    {
        Data = data;
        DatasetName = datasetName;
        Shape = shape;
        Selection = selection;
        Statistics = statistics;
    }

    /// <summary>
    /// Features [n, C·H·W] or [n, C, H, W] float32 and targets ([n] int64 class indices, or [n, O] float32).
    /// </summary>
    public TensorDataset Data { get; }

    /// <summary>The dataset's name, e.g. "SVHN".</summary>
    public string DatasetName { get; }

    /// <summary>The split read.</summary>
    public DatasetSplit Split => Selection.Split;

    /// <summary>Image shape.</summary>
    public ImageShape Shape { get; }

    /// <summary>Which records were selected and their classes.</summary>
    public ImageSelection Selection { get; }

    /// <summary>Names of the K classes.</summary>
    public IReadOnlyList<string> ClassNames => Selection.ClassNames;

    /// <summary>
    /// Statistics used for <see cref="PixelNormalization.Standardize"/> (pass them to the test set's options);
    /// null for the other normalisations.
    /// </summary>
    public ChannelStatistics? Statistics { get; }

    /// <summary>Number of images.</summary>
    public int Count => Data.Count;

    /// <inheritdoc />
    public void Dispose() => Data.Dispose();
}
