using System.Collections;

namespace Catapults.ML.Data.Images;

/// <summary>
/// A lazily read, re-enumerable sequence of prepared rows: selection, label mapping and normalisation decided,
/// pixels read from disk only while enumerating (each enumeration reads the files again). This is what the
/// IDataView loaders stream from; <see cref="ImageDatasetLoader.Load"/> gathers the same values into tensors.
/// </summary>
public sealed class ImageDataStream : IEnumerable<ImageRow>
{
    private readonly PixelTransform _transform;

    internal ImageDataStream(IImageDatasetReader reader, ImageDatasetOptions options, ImageSelection selection, ChannelStatistics? statistics)
    {
        Reader = reader;
        Options = options;
        Selection = selection;
        Statistics = statistics;
        _transform = new PixelTransform(reader.Shape, options.Normalization, statistics);
    }

    /// <summary>The reader the pixels come from.</summary>
    public IImageDatasetReader Reader { get; }

    /// <summary>The options the rows were prepared with.</summary>
    public ImageDatasetOptions Options { get; }

    /// <summary>The selected records and their classes.</summary>
    public ImageSelection Selection { get; }

    /// <summary>Statistics used for <see cref="PixelNormalization.Standardize"/>; null for the other normalisations.</summary>
    public ChannelStatistics? Statistics { get; }

    /// <summary>Image shape.</summary>
    public ImageShape Shape => Reader.Shape;

    /// <summary>Length of every feature vector, C·H·W.</summary>
    public int FeatureCount => Reader.Shape.Size;

    /// <summary>Number of rows.</summary>
    public int Count => Selection.Count;

    /// <summary>Names of the K classes.</summary>
    public IReadOnlyList<string> ClassNames => Selection.ClassNames;

    /// <summary>Float target width (<see cref="LabelEncoder.TargetWidth"/>); 0 for class-index targets.</summary>
    public int TargetWidth => LabelEncoder.TargetWidth(Options.Labels, Selection.ClassCount);

    /// <summary>Writes the float target of <paramref name="classIndex"/> (not for <see cref="LabelMapping.ClassIndex"/>).</summary>
    public void EncodeTarget(int classIndex, Span<float> target) => LabelEncoder.Encode(Options.Labels, Selection.ClassCount, classIndex, target);

    /// <inheritdoc />
    public IEnumerator<ImageRow> GetEnumerator()
    {
        int k = 0;
        foreach (var image in Reader.ReadImages(Selection.Split, Selection.RecordIndices))
        {
            CheckRecord(Reader, Selection, k, image);
            var features = new float[FeatureCount];
            _transform.Apply(image.Pixels, features);
            yield return new ImageRow(image.RecordIndex, Selection.ClassIndices[k], features);
            k++;
        }
        CheckComplete(Reader, Selection, k);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static void CheckRecord(IImageDatasetReader reader, ImageSelection selection, int k, LabeledImage image)
    {
        if (k >= selection.Count || image.RecordIndex != selection.RecordIndices[k])
            throw new InvalidOperationException(
                $"{reader.DatasetName} reader yielded record {image.RecordIndex} where record " +
                (k < selection.Count ? selection.RecordIndices[k].ToString() : "none") + " was expected.");
        if (image.Pixels.Length != reader.Shape.Size)
            throw new InvalidOperationException(
                $"{reader.DatasetName} reader yielded {image.Pixels.Length} pixel values for record {image.RecordIndex}; shape {reader.Shape} needs {reader.Shape.Size}.");
    }

    internal static void CheckComplete(IImageDatasetReader reader, ImageSelection selection, int yielded)
    {
        if (yielded != selection.Count)
            throw new InvalidOperationException(
                $"{reader.DatasetName} reader ended after {yielded} of {selection.Count} selected images of the {selection.Split} split.");
    }
}
