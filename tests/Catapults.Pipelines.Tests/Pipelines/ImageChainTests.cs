using Catapults.Pipelines.Data;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>
/// ML.NET's image chain (LoadImages → ResizeImages → ExtractPixels): the image shape C, H, W is read from the
/// extractor's output type. Only schemas are checked: ML.NET 5.0.1's image reader is built against SkiaSharp 2.88 and
/// fails to read pixels (MissingMethodException in MLImage.Pixels) beside the SkiaSharp 3.119 the engine references for
/// CelebA's JPEGs (README, "Images through ML.NET's image chain").
/// </summary>
public class ImageChainTests
{
    public sealed class ImageFile
    {
        public string Path { get; set; } = "";
        public string Class { get; set; } = "";
    }

    [Test]
    public void TheImageShapeComesFromExtractPixelsAndInterleavedPixelsAreRejected()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(new[] { new ImageFile { Path = "a.png", Class = "red" }, new ImageFile { Path = "b.png", Class = "blue" } });
        DataViewSchema Pixels(bool interleave) => ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.LoadImages("Image", Path.GetTempPath(), "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 8, 6))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", interleavePixelColors: interleave))
            .Fit(data).GetOutputSchema(data.Schema);

        var shape = ImageColumnShape.Read(Pixels(interleave: false)["Features"]);
        Assert.That(shape, Is.EqualTo(new Catapults.ML.Data.Images.ImageShape(3, 6, 8)), "C, H, W of 8-wide, 6-high RGB images");
        var (_, inputShape) = ColumnChecks.NetworkFeatures(Pixels(interleave: false), "Features", new() { Architecture = "cnn-2" });
        Assert.That(inputShape, Is.EqualTo(new long[] { 3, 6, 8 }));

        var ex = Assert.Throws<ArgumentException>(() => ColumnChecks.NetworkFeatures(Pixels(interleave: true), "Features", new() { Architecture = "cnn-2" }));
        Assert.That(ex!.Message, Does.Contain("interleavePixelColors: false"));
    }
}
