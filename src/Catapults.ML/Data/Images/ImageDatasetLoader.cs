using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Applies the common <see cref="ImageDatasetOptions"/> to any <see cref="IImageDatasetReader"/>: selects records
/// from labels, reads only those images, maps labels and normalises pixels, into tensors (<see cref="Load"/>) or
/// as a lazy stream of rows (<see cref="Stream"/>). Both give bit-identical feature values.
/// </summary>
public static class ImageDatasetLoader
{
    /// <summary>Loads the selected images into tensors. On any error nothing is returned (never a partial dataset).</summary>
    /// <exception cref="ArgumentException">The selected images' features need more memory than this process can use (<see cref="MemoryBudget"/>).</exception>
    public static ImageDataset Load(IImageDatasetReader reader, ImageDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new ImageDatasetOptions();
        var selection = ImageSelection.Create(reader, options);
        var shape = reader.Shape;
        int size = shape.Size;
        CheckMemory(reader, selection, shape, MemoryBudget.AvailableBytes);

        // Standardising the training split needs its own statistics: gather raw byte values first (exact in float),
        // accumulate the sums on the way, and map them through the table once the statistics are known.
        var statistics = options.Statistics;
        bool computeHere = options.Normalization == PixelNormalization.Standardize && statistics is null && options.Split == DatasetSplit.Train;
        if (options.Normalization == PixelNormalization.Standardize && statistics is null && !computeHere)
            statistics = ComputeStatistics(reader, options.WithSplit(DatasetSplit.Train));
        var accumulator = computeHere ? new ChannelStatistics.Accumulator(shape) : null;
        var transform = computeHere ? null : new PixelTransform(shape, options.Normalization, statistics);

        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        // Pixels go straight into the tensor's memory: no managed copy of the whole set is ever made.
        var x = torch.empty([selection.Count, size], ScalarType.Float32);
        using (var writer = new TensorRowWriter(x))
        {
            int k = 0;
            foreach (var image in reader.ReadImages(selection.Split, selection.RecordIndices))
            {
                ImageDataStream.CheckRecord(reader, selection, k, image);
                var row = writer.NextRow();
                if (accumulator is not null)
                {
                    accumulator.Add(image.Pixels);
                    for (int i = 0; i < size; i++) row[i] = image.Pixels[i];
                }
                else
                {
                    transform!.Apply(image.Pixels, row);
                }
                k++;
            }
            ImageDataStream.CheckComplete(reader, selection, k);
            if (accumulator is not null)
            {
                statistics = accumulator.ToStatistics($"the selected {reader.DatasetName} training images");
                var table = new PixelTransform(shape, PixelNormalization.Standardize, statistics);
                writer.UpdateAll(table.ApplyInPlace);
            }
        }
        if (options.Layout == FeatureLayout.Image) x = x.view(selection.Count, shape.Channels, shape.Height, shape.Width);
        var y = BuildTargets(options.Labels, selection);
        var data = new TensorDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(),
            $"{reader.DatasetName}-{selection.Split.ToString().ToLowerInvariant()}");
        return new ImageDataset(data, reader.DatasetName, shape, selection, options.Normalization == PixelNormalization.Standardize ? statistics : null);
    }

    /// <summary>
    /// A lazy stream of prepared rows. Selection (labels only) and, for <see cref="PixelNormalization.Standardize"/>
    /// without given statistics, one statistics pass over the training split happen now; pixels are read while
    /// enumerating, one image at a time.
    /// </summary>
    public static ImageDataStream Stream(IImageDatasetReader reader, ImageDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new ImageDatasetOptions();
        var selection = ImageSelection.Create(reader, options);
        var statistics = options.Statistics;
        if (options.Normalization == PixelNormalization.Standardize)
            statistics ??= ComputeStatistics(reader, options.WithSplit(DatasetSplit.Train));
        else
            statistics = null;
        return new ImageDataStream(reader, options, selection, statistics);
    }

    /// <summary>
    /// Per-channel mean and std of byte / 255 over the images <paramref name="options"/> select (its split, class
    /// subset, n per class and seed), read in one streaming pass.
    /// </summary>
    public static ChannelStatistics ComputeStatistics(IImageDatasetReader reader, ImageDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var selection = ImageSelection.Create(reader, options);
        var accumulator = new ChannelStatistics.Accumulator(reader.Shape);
        int k = 0;
        foreach (var image in reader.ReadImages(selection.Split, selection.RecordIndices))
        {
            ImageDataStream.CheckRecord(reader, selection, k, image);
            accumulator.Add(image.Pixels);
            k++;
        }
        ImageDataStream.CheckComplete(reader, selection, k);
        return accumulator.ToStatistics($"the selected {reader.DatasetName} {options.Split} images");
    }

    /// <summary>
    /// Refuses a selection whose float32 feature tensor alone would need more than <paramref name="availableBytes"/>
    /// (the memory this process may use), before libtorch is asked for it: its own failure is a long native trace,
    /// and a tensor that does fit into virtual memory would only fail later, page by page.
    /// </summary>
    internal static void CheckMemory(IImageDatasetReader reader, ImageSelection selection, ImageShape shape, double availableBytes)
    {
        double needed = (double)selection.Count * shape.Size * sizeof(float);
        if (MemoryBudget.Shortfall(needed, $"{reader.DatasetName} {selection.Split}: {selection.Count:N0} images of {shape} as float32 features", availableBytes) is { } shortfall)
            throw new ArgumentException(
                shortfall + " Select fewer with ImageDatasetOptions.SamplesPerClass or ImageDatasetOptions.Classes, or read them one at a time with ImageDatasetLoader.Stream.",
                "options");
    }

    private static Tensor BuildTargets(LabelMapping mapping, ImageSelection selection)
    {
        int n = selection.Count;
        if (mapping == LabelMapping.ClassIndex)
            return torch.tensor(selection.ClassIndices.Select(c => (long)c).ToArray(), ScalarType.Int64);
        int width = LabelEncoder.TargetWidth(mapping, selection.ClassCount);
        var targets = new float[(long)n * width];
        for (int i = 0; i < n; i++)
            LabelEncoder.Encode(mapping, selection.ClassCount, selection.ClassIndices[i], targets.AsSpan(i * width, width));
        return torch.tensor(targets, [n, width]);
    }
}
