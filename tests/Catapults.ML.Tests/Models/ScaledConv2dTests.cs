using Catapults.ML.Models;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// <see cref="ScaledConv2d"/> on its own: the spatial size it announces is ⌊(H + 2p − k)/s⌋ + 1, the size its forward
/// pass produces, down to a kernel that exactly covers the padded input. Found by mutation testing (round 26A).
/// </summary>
public sealed class ScaledConv2dTests
{
    [TestCase(32, 3, 1, 1, 32)]
    [TestCase(32, 3, 2, 1, 16)]
    [TestCase(7, 3, 2, 0, 3)]
    [TestCase(8, 1, 2, 0, 4)]
    [TestCase(5, 5, 1, 2, 5)]
    [TestCase(3, 3, 1, 0, 1)]
    [TestCase(1, 3, 1, 1, 1)]
    public void OutputSizeIsTheConvolutionArithmeticAndTheForwardPassAgrees(int input, int kernel, int stride, int padding, long expected)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(3);
        using var conv = new ScaledConv2d("conv", 2, 3, kernel, stride, padding, true, Parameterization.Ntk, generator);
        Assert.That(conv.OutputSize(input), Is.EqualTo(expected));
        using var y = conv.forward(torch.randn(1, 2, input, input));
        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 3, expected, expected }));
    }

    [Test]
    public void AConvolutionWithoutAnInitialisationStreamIsRefused()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new ScaledConv2d("conv", 2, 3, 3, 1, 1, true, Parameterization.Ntk, null!));
        Assert.That(ex!.ParamName, Is.EqualTo("generator"));
    }
}
