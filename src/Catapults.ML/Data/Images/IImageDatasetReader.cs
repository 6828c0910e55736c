namespace Catapults.ML.Data.Images;

/// <summary>
/// Reads one image dataset in its official on-disk format. Readers stream: <see cref="ReadImages"/> decodes only
/// the records asked for, one at a time, so a split never has to fit in memory. The common options (subset,
/// n per class, label mapping, normalisation, layout) are applied by <see cref="ImageDatasetLoader"/>, not here.
/// </summary>
public interface IImageDatasetReader
{
    /// <summary>The dataset's name, e.g. "CIFAR-10".</summary>
    string DatasetName { get; }

    /// <summary>The folder the files are read from.</summary>
    string Directory { get; }

    /// <summary>Shape of every image this reader yields.</summary>
    ImageShape Shape { get; }

    /// <summary>Class names, indexed by the dataset's own labels 0..K−1.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The splits this dataset has.</summary>
    IReadOnlyList<DatasetSplit> Splits { get; }

    /// <summary>The label of every record of <paramref name="split"/>, in file order. Reads labels only, not pixels.</summary>
    int[] ReadLabels(DatasetSplit split);

    /// <summary>
    /// Streams the records of <paramref name="split"/> at <paramref name="recordIndices"/> (strictly increasing;
    /// null for all), in that order. Records not asked for are skipped without being decoded. Every enumeration
    /// reads the files afresh; a bad file throws <see cref="DatasetFormatException"/> rather than ending early.
    /// </summary>
    IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null);
}
