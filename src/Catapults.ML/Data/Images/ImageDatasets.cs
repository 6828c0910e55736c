namespace Catapults.ML.Data.Images;

/// <summary>One entry point for the built-in image datasets, e.g. for a command line that names the dataset.</summary>
public static class ImageDatasets
{
    /// <summary>
    /// Opens the reader of <paramref name="kind"/> in its folder under the data root (<paramref name="dataRoot"/>,
    /// else <c>CATAPULTS_DATA</c>). <paramref name="celebA"/> applies to CelebA only.
    /// </summary>
    public static IImageDatasetReader Open(ImageDatasetKind kind, string? dataRoot = null, CelebAOptions? celebA = null) => kind switch
    {
        ImageDatasetKind.Cifar10 => Cifar10Reader.FromDataRoot(dataRoot),
        ImageDatasetKind.Svhn => SvhnReader.FromDataRoot(dataRoot),
        ImageDatasetKind.CelebA => CelebAReader.FromDataRoot(dataRoot, celebA),
        _ => throw new ArgumentOutOfRangeException(nameof(kind),
            $"ImageDatasetKind {kind} is not a dataset; use one of {string.Join(", ", Enum.GetNames<ImageDatasetKind>())}."),
    };

    /// <summary>Opens <paramref name="kind"/> and loads the images <paramref name="options"/> select into tensors.</summary>
    public static ImageDataset Load(ImageDatasetKind kind, ImageDatasetOptions? options = null, string? dataRoot = null, CelebAOptions? celebA = null) =>
        ImageDatasetLoader.Load(Open(kind, dataRoot, celebA), options);
}
