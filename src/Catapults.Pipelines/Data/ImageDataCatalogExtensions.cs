using Catapults.ML.Data.Images;

namespace Catapults.Pipelines.Data;

/// <summary>
/// Loaders for the paper's image datasets on <see cref="MLContext.Data"/>, e.g.
/// <c>mlContext.Data.LoadCifar10(new ImageDatasetOptions { Classes = [3, 5] })</c>. Each returns an
/// <see cref="ImageDataView"/> that streams from the official files under the data root (the <c>dataRoot</c>
/// argument, else the <c>CATAPULTS_DATA</c> environment variable).
/// </summary>
public static class ImageDataCatalogExtensions
{
    /// <summary>CIFAR-10, binary version, from <c>cifar-10-batches-bin/</c> under the data root.</summary>
    public static ImageDataView LoadCifar10(this DataOperationsCatalog catalog, ImageDatasetOptions? options = null, string? dataRoot = null) =>
        catalog.LoadImageDataset(Cifar10Reader.FromDataRoot(dataRoot), options);

    /// <summary>SVHN cropped digits from <c>svhn/</c> under the data root (class k is digit k).</summary>
    public static ImageDataView LoadSvhn(this DataOperationsCatalog catalog, ImageDatasetOptions? options = null, string? dataRoot = null) =>
        catalog.LoadImageDataset(SvhnReader.FromDataRoot(dataRoot), options);

    /// <summary>Aligned CelebA from <c>celeba/</c> under the data root, as a binary task on <see cref="CelebAOptions.Attribute"/>.</summary>
    public static ImageDataView LoadCelebA(this DataOperationsCatalog catalog, CelebAOptions? celebA = null, ImageDatasetOptions? options = null, string? dataRoot = null) =>
        catalog.LoadImageDataset(CelebAReader.FromDataRoot(dataRoot, celebA), options);

    /// <summary>Any image dataset reader, with the common options applied.</summary>
    public static ImageDataView LoadImageDataset(this DataOperationsCatalog catalog, IImageDatasetReader reader, ImageDatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(reader);
        return ImageDataView.Create(catalog, ImageDatasetLoader.Stream(reader, options));
    }
}
