using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The input shape checks every image network shares: a channel count or a side below one is refused naming the
/// option, before an architecture's own checks could blame something else (a CNN's pooling, a ViT's patch size) or
/// libtorch could fail on an empty image. Found by mutation testing (round 19A): no test gave an image network an input
/// width of 0, so the check could let it through.
/// </summary>
public sealed class ImageNetworkOptionsTests
{
    private static IEnumerable<ImageNetworkOptions> EachArchitecture(int channels, int height, int width)
    {
        yield return new ConvolutionalOptions { InputChannels = channels, InputHeight = height, InputWidth = width, ChannelWidths = new[] { 2 }, Pooling = PoolingKind.None };
        yield return new WideResNetOptions { InputChannels = channels, InputHeight = height, InputWidth = width, Depth = 10, WidenFactor = 1 };
        yield return new VisionTransformerOptions { InputChannels = channels, InputHeight = height, InputWidth = width, PatchSize = 1, Width = 8, Depth = 1, HeadCount = 2 };
    }

    [TestCase(0, 8, 8, nameof(ImageNetworkOptions.InputChannels))]
    [TestCase(3, 0, 8, nameof(ImageNetworkOptions.InputHeight))]
    [TestCase(3, 8, 0, nameof(ImageNetworkOptions.InputWidth))]
    public void AChannelCountOrSideBelowOneIsRefusedByName(int channels, int height, int width, string option)
    {
        foreach (var options in EachArchitecture(channels, height, width))
        {
            var ex = Assert.Throws<ArgumentException>(options.Validate, options.GetType().Name);
            Assert.That(ex!.ParamName, Is.EqualTo(option), options.GetType().Name);
            Assert.That(ex.Message, Does.StartWith($"{option} must be at least 1, got 0."), options.GetType().Name);
        }
    }

    [Test]
    public void TheSameShapesWithEverySideAtLeastOneAreAccepted()
    {
        foreach (var options in EachArchitecture(1, 8, 8))
            Assert.DoesNotThrow(options.Validate, options.GetType().Name);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void ANetworkWithoutOutputsIsRefusedByName(int outputs)
    {
        foreach (var options in EachArchitecture(1, 8, 8))
        {
            options.OutputCount = outputs;
            var ex = Assert.Throws<ArgumentException>(options.Validate, options.GetType().Name);
            Assert.That(ex!.ParamName, Is.EqualTo(nameof(ImageNetworkOptions.OutputCount)), options.GetType().Name);
            Assert.That(ex.Message, Does.StartWith($"OutputCount must be at least 1, got {outputs}."), options.GetType().Name);
        }
    }
}
