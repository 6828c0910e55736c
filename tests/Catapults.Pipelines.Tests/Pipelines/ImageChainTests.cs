using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Data;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>
/// ML.NET's image chain (LoadImages → ResizeImages → ExtractPixels): the image shape C, H, W is read from the
/// extractor's output type, and a CNN trains on the pixels it extracts.
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

    [Test]
    public void ACnnTrainsOnPixelsFromMLNetsImageChain()
    {
        using (var temp = new TempDirectory())
        {
            string folder = temp.Path;
            // Two classes of 12×10 PNGs: red-ish and blue-ish, with noise, so the label is in the pixels.
            var random = new Random(3);
            var files = new List<ImageFile>();
            for (int i = 0; i < 24; i++)
            {
                bool red = i % 2 == 0;
                using var bitmap = new SkiaSharp.SKBitmap(12, 10);
                for (int y = 0; y < 10; y++)
                    for (int x = 0; x < 12; x++)
                    {
                        byte strong = (byte)random.Next(160, 256), weak = (byte)random.Next(0, 96);
                        bitmap.SetPixel(x, y, red ? new SkiaSharp.SKColor(strong, weak, weak) : new SkiaSharp.SKColor(weak, weak, strong));
                    }
                string name = $"{i:D2}.png";
                using (var image = SkiaSharp.SKImage.FromBitmap(bitmap))
                using (var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100))
                using (var stream = File.Create(Path.Combine(folder, name)))
                    png.SaveTo(stream);
                files.Add(new ImageFile { Path = name, Class = red ? "red" : "blue" });
            }

            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromEnumerable(files);
            var options = new TorchNetworkMulticlassTrainer.Options
            {
                Network = new() { Architecture = "cnn-2", Width = 4 },
                Training = new() { LearningRate = 0.05, BatchSize = 8, MaxEpochs = 15 },
            };
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
                .Append(ml.Transforms.LoadImages("Image", folder, "Path"))
                .Append(ml.Transforms.ResizeImages("Image", 8, 6))
                .Append(ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255, offsetImage: -128))
                .Append(ml.MulticlassClassification.Trainers.TorchNetwork(options));
            var model = pipeline.Fit(data);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.That(metrics.MicroAccuracy, Is.EqualTo(1.0), "two colours, separable in the pixels the chain extracted");
        }
    }
}
