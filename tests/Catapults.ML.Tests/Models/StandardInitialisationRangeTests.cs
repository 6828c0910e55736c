using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// Under <see cref="Parameterization.Standard"/> the weights and the biases are U(−1/√fan_in, 1/√fan_in), as PyTorch draws
/// them: symmetric about 0, filling the whole interval. A bias drawn from one half of it passed every test before.
/// Found by mutation testing (round 9B).
/// </summary>
public sealed class StandardInitialisationRangeTests
{
    private static void AssertUniformOnTheSymmetricInterval(Tensor values, double bound, string what)
    {
        using var scope = torch.NewDisposeScope();
        var v = values.detach().to_type(ScalarType.Float64);
        double min = v.min().ToDouble(), max = v.max().ToDouble(), mean = v.mean().ToDouble();
        Assert.That(min, Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.9 * bound), $"{what}: the lower end is −1/√fan_in");
        Assert.That(max, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound), $"{what}: the upper end is 1/√fan_in");
        // U(−c, c) has mean 0 and standard deviation c/√3; with thousands of draws the sample mean is within 0.1·c.
        Assert.That(Math.Abs(mean), Is.LessThan(0.1 * bound), $"{what}: symmetric about 0");
    }

    [Test]
    public void ALinearLayersWeightsAndBiasesFillTheSymmetricInterval()
    {
        using var generator = new torch.Generator(21);
        using var layer = new ScaledLinear("layer", 64, 4096, useBias: true, Parameterization.Standard, isReadout: false, generator);
        AssertUniformOnTheSymmetricInterval(layer.Weight, 1 / 8.0, "weight");
        AssertUniformOnTheSymmetricInterval(layer.Bias!, 1 / 8.0, "bias");
    }

    [Test]
    public void AConvolutionsWeightsAndBiasesFillTheSymmetricInterval()
    {
        // fan_in = C_in·k·k = 4·3·3 = 36.
        using var generator = new torch.Generator(22);
        using var conv = new ScaledConv2d("conv", 4, 2048, 3, 1, 1, true, Parameterization.Standard, generator);
        AssertUniformOnTheSymmetricInterval(conv.Weight, 1 / 6.0, "weight");
        AssertUniformOnTheSymmetricInterval(conv.Bias!, 1 / 6.0, "bias");
    }
}
