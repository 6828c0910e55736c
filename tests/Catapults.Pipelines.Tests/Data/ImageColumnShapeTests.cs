using Catapults.ML.Data.Images;
using Catapults.Pipelines.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// How a feature column's image shape is read: the annotation gives (C, H, W) in that order; three vector dimensions
/// are channel-major unless only the last one looks like a channel count (1, 3 or 4), which is refused as interleaved.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ImageColumnShapeTests
{
    [Test]
    public void TheAnnotationGivesChannelsHeightAndWidthInOrder()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        var shape = new VBuffer<int>(3, new[] { 3, 4, 5 });
        annotations.Add(ImageColumnShape.AnnotationKind, new VectorDataViewType(NumberDataViewType.Int32, 3), (ref VBuffer<int> dst) => shape.CopyTo(ref dst));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 60), annotations.ToAnnotations());
        Assert.That(ImageColumnShape.Read(builder.ToSchema()["Features"]), Is.EqualTo(new ImageShape(3, 4, 5)));
    }

    [Test]
    public void ChannelMajorDimensionsWhoseWidthIsAlsoAChannelCountAreRead()
    {
        // 3 channels of 8 × 3 pixels: the first dimension is a channel count too, so nothing says the pixels are interleaved.
        Assert.That(ImageColumnShape.Read(Column(3, 8, 3)), Is.EqualTo(new ImageShape(3, 8, 3)));
        Assert.That(ImageColumnShape.Read(Column(1, 5, 4)), Is.EqualTo(new ImageShape(1, 5, 4)));
    }

    [TestCase(8, 8, 1)]
    [TestCase(8, 8, 3)]
    [TestCase(8, 8, 4)]
    public void InterleavedDimensionsAreRefused(int height, int width, int channels)
    {
        // ExtractPixels with interleavePixelColors: true declares (H, W, C); 4 is RGBA (extractAlpha: true).
        var ex = Assert.Throws<ArgumentException>(() => ImageColumnShape.Read(Column(height, width, channels)));
        Assert.That(ex!.Message, Does.Contain("interleavePixelColors: false"));
    }

    // A column's name can come from a file: the refusal quotes it visibly, so no escape sequence or line break of the
    // name reaches the terminal.
    [Test]
    public void TheInterleavedRefusalQuotesTheColumnNameVisibly()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("x\u001b[2J\nFeatures", new VectorDataViewType(NumberDataViewType.Single, 8, 8, 3));
        var ex = Assert.Throws<ArgumentException>(() => ImageColumnShape.Read(builder.ToSchema()[0]));
        Assert.That(ex!.Message, Does.StartWith("Feature column 'x\\u001B[2J\\u000AFeatures' has dimensions (8, 8, 3)"));
        Assert.That(ex.Message.Any(char.IsControl), Is.False);
    }

    // The annotation is three values C, H, W; one of another length is not this shape annotation, and the column's
    // three dimensions are read instead (mutant 20A-M40 read the first values of any length, failing on two).
    [Test]
    public void AnAnnotationOfOtherThanThreeValuesGivesWayToTheDimensions()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        var wrong = new VBuffer<int>(2, new[] { 7, 7 });
        annotations.Add(ImageColumnShape.AnnotationKind, new VectorDataViewType(NumberDataViewType.Int32, 2), (ref VBuffer<int> dst) => wrong.CopyTo(ref dst));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 3, 4, 5), annotations.ToAnnotations());
        Assert.That(ImageColumnShape.Read(builder.ToSchema()["Features"]), Is.EqualTo(new ImageShape(3, 4, 5)));
    }

    private static DataViewSchema.Column Column(int d0, int d1, int d2)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, d0, d1, d2));
        return builder.ToSchema()["Features"];
    }
}
