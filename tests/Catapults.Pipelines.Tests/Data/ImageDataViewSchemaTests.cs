using Catapults.ML.Data.Images;
using Catapults.Pipelines.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// The schema of an image view over a reader of one's own: the image shape (C, H, W) is declared in that order in
/// both places an image network reads it, the vector's dimensions and the <see cref="ImageColumnShape.AnnotationKind"/>
/// annotation (the shipped readers are all square, so only a non-square reader shows the order); and ±1 labels of
/// more than two classes are a vector of K values, +1 for the class and −1 elsewhere. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ImageDataViewSchemaTests
{
    private readonly MLContext _ml = new(seed: 0);

    [Test]
    public void ANonSquareImagesShapeIsDeclaredChannelsHeightWidth()
    {
        var view = _ml.Data.LoadImageDataset(new WideImages(2));
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

    [Test]
    public void PlusMinusOneLabelsOfThreeClassesAreVectors()
    {
        var view = _ml.Data.LoadImageDataset(new WideImages(3), new ImageDatasetOptions { Labels = LabelMapping.PlusMinusOne });
        var label = view.Schema[ImageDataView.LabelColumnName];
        Assert.That(label.Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, 3)));
        var labels = view.GetColumn<float[]>(ImageDataView.LabelColumnName).ToList();
        Assert.That(labels, Is.EqualTo(new[] { new[] { 1f, -1, -1 }, new[] { -1f, 1, -1 }, new[] { -1f, -1, 1 } }));
    }

    /// <summary>Gray images 2 high and 3 wide, one per class, in class order.</summary>
    private sealed class WideImages(int classes) : IImageDatasetReader
    {
        public string DatasetName => "wide";
        public string Directory => "";
        public ImageShape Shape => new(1, 2, 3);
        public IReadOnlyList<string> ClassNames => Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        public IReadOnlyList<DatasetSplit> Splits => new[] { DatasetSplit.Train };
        public int[] ReadLabels(DatasetSplit split) => Enumerable.Range(0, classes).ToArray();

        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            (recordIndices ?? Enumerable.Range(0, classes).ToArray()).Select(i => new LabeledImage(i, i, new byte[6]));
    }
}
