using Catapults.ML.Data.Images;
using Catapults.Pipelines.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// An image view declares its image shape (C, H, W) in both places an image network reads it, the vector's dimensions
/// and the <see cref="ImageColumnShape.AnnotationKind"/> annotation, in that order for images that are not square (the
/// shipped readers are all square, so only a reader of one's own shows the order). Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ImageDataViewShapeTests
{
    [Test]
    public void ANonSquareImagesShapeIsDeclaredChannelsHeightWidth()
    {
        var view = new MLContext(seed: 0).Data.LoadImageDataset(new WideImages());
        var features = view.Schema[ImageDataView.FeaturesColumnName];
        Assert.Multiple(() =>
        {
            Assert.That(((VectorDataViewType)features.Type).Dimensions.ToArray(), Is.EqualTo(new[] { 1, 2, 3 }));
            var annotation = default(VBuffer<int>);
            features.Annotations.GetValue(ImageColumnShape.AnnotationKind, ref annotation);
            Assert.That(annotation.DenseValues(), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(ImageColumnShape.Read(features), Is.EqualTo(new ImageShape(1, 2, 3)));
        });
    }

    /// <summary>Two gray images 2 high and 3 wide, one per class.</summary>
    private sealed class WideImages : IImageDatasetReader
    {
        public string DatasetName => "wide";
        public string Directory => "";
        public ImageShape Shape => new(1, 2, 3);
        public IReadOnlyList<string> ClassNames => new[] { "a", "b" };
        public IReadOnlyList<DatasetSplit> Splits => new[] { DatasetSplit.Train };
        public int[] ReadLabels(DatasetSplit split) => new[] { 0, 1 };

        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            (recordIndices ?? new[] { 0, 1 }).Select(i => new LabeledImage(i, i, new byte[6]));
    }
}
