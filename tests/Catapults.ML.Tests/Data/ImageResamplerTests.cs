using Catapults.ML.Data.Images;

namespace Catapults.ML.Tests.Data;

public class ImageResamplerTests
{
    [Test]
    public void ThreeToTwoWeighsThePartlyCoveredMiddlePixelByHalf()
    {
        // One row of 3 pixels → 2: output 0 covers [0, 1.5) = pixel 0 and half of pixel 1, normalised by 1.5.
        var result = ImageResampler.AreaAverage([30, 60, 90], width: 3, height: 1, channels: 1, targetWidth: 2, targetHeight: 1);
        Assert.That(result[0], Is.EqualTo((30 + 0.5 * 60) / 1.5).Within(1e-4));
        Assert.That(result[1], Is.EqualTo((0.5 * 60 + 90) / 1.5).Within(1e-4));
    }

    [Test]
    public void TwoDimensionalBoxMeansPerChannel()
    {
        // 4×2 image, 2 channels (interleaved) → 2×1: each output is the mean of a 2×2 block.
        byte[] source = [1, 100, 2, 100, 3, 200, 4, 200, 5, 100, 6, 100, 7, 200, 8, 250];
        var result = ImageResampler.AreaAverage(source, width: 4, height: 2, channels: 2, targetWidth: 2, targetHeight: 1);
        Assert.That(result, Is.EqualTo(new[] { (1 + 2 + 5 + 6) / 4f, 100f, (3 + 4 + 7 + 8) / 4f, (200 + 200 + 200 + 250) / 4f }).Within(1e-4));
    }

    [Test]
    public void ConstantImageStaysConstantAtAnySize()
    {
        var source = Enumerable.Repeat((byte)173, 178 * 178 * 3).ToArray();
        var result = ImageResampler.AreaAverage(source, 178, 178, 3, 32, 32);
        Assert.That(result.Min(), Is.EqualTo(173f).Within(1e-3));
        Assert.That(result.Max(), Is.EqualTo(173f).Within(1e-3));
    }

    [Test]
    public void WrongBufferSizeIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageResampler.AreaAverage(new byte[10], 2, 2, 3, 1, 1));
        Assert.That(ex!.Message, Does.Contain("12"));
    }

    // An image with no columns has no area to average: it is refused like any other non-positive size, not resized to zeros.
    [Test]
    public void AnImageWithoutColumnsIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResampler.AreaAverage([], width: 0, height: 1, channels: 1, targetWidth: 1, targetHeight: 1));

    // A target of no rows is refused like one of no columns, not answered with an empty image.
    [Test]
    public void ATargetWithoutRowsIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResampler.AreaAverage([1, 2, 3, 4], width: 2, height: 2, channels: 1, targetWidth: 1, targetHeight: 0));

    // The refusal names the size at fault (it once named width for every size).
    [TestCase(0, 2, 1, 1, 1, "width")]
    [TestCase(2, 0, 1, 1, 1, "height")]
    [TestCase(2, 2, 0, 1, 1, "channels")]
    [TestCase(2, 2, 1, -1, 1, "targetWidth")]
    [TestCase(2, 2, 1, 1, 0, "targetHeight")]
    public void ANonPositiveSizeIsRefusedByName(int width, int height, int channels, int targetWidth, int targetHeight, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ImageResampler.AreaAverage(new byte[16], width, height, channels, targetWidth, targetHeight))!;
        Assert.That(ex.ParamName, Is.EqualTo(name));
        Assert.That(ex.Message, Does.StartWith($"{name} must be at least 1."));
    }
    // Found by mutation testing (round 31A): 1001 → 1000 leaves slivers of a thousandth of a pixel, which still
    // count; and 8259 → 1029 puts the last output's end one ulp past the last pixel, which must not be read.
    [TestCase(1001, 1000)]
    [TestCase(8259, 1029)]
    public void ARowStaysConstantWhateverSliversTheScaleLeaves(int width, int targetWidth)
    {
        var source = Enumerable.Repeat((byte)200, width).ToArray();
        var result = ImageResampler.AreaAverage(source, width, height: 1, channels: 1, targetWidth, targetHeight: 1);
        Assert.That(result.Min(), Is.EqualTo(200f).Within(1e-3));
        Assert.That(result.Max(), Is.EqualTo(200f).Within(1e-3));
    }
}
