using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The one-line descriptions of the image networks, which reports and manifests print: each states every setting it
/// was built with, so two runs that differ in one can be told apart. Found by mutation testing (round 19A): only the
/// leading "WRN-16-4" and "ViT-4" were read, so a description could drop the group count, the pooling size or the
/// LayerNorm setting unnoticed.
/// </summary>
public sealed class ImageNetworkDescriptionTests
{
    [Test]
    public void AConvolutionalNetworkStatesItsLayersPoolingAndBias()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputChannels = 1, InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 4, 6 }, KernelSize = 5, OutputCount = 2,
            Activation = ActivationKind.Tanh, Pooling = PoolingKind.Max, PoolingSize = 2, Parameterization = Parameterization.Standard,
            UseBias = false, OutputMultiplier = 0.5,
        });
        Assert.That(net.Describe(), Is.EqualTo("CNN 1×8×8 → conv[4-6] k5 → 2, Tanh, pool Max 2, Standard, bias=off, output×0.5"));
    }

    [Test]
    public void AConvolutionalNetworkWithoutPoolingSaysSo()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputHeight = 4, InputWidth = 4, ChannelWidths = new[] { 2 }, Pooling = PoolingKind.None, PoolingSize = 3,
        });
        Assert.That(net.Describe(), Is.EqualTo("CNN 3×4×4 → conv[2] k3 → 10, Relu, pool none, Ntk, bias=on, output×1"));
    }

    [TestCase(NormalizationKind.GroupNorm, "GroupNorm(4)")]
    [TestCase(NormalizationKind.LayerNorm, "LayerNorm")]
    [TestCase(NormalizationKind.None, "None")]
    public void AWideResNetStatesItsStagesAndItsNormalisation(NormalizationKind normalization, string expected)
    {
        using var net = new WideResNet(new WideResNetOptions
        {
            InputHeight = 8, InputWidth = 8, Depth = 10, WidenFactor = 1, BaseWidth = 8, GroupCount = 4, OutputCount = 3,
            Normalization = normalization,
        });
        Assert.That(net.Describe(), Is.EqualTo($"WRN-10-1 3×8×8 → 3, stages [8-16-32]×1, {expected}, Relu, Standard, output×1"));
    }

    [TestCase(true, TokenPooling.ClassToken, "class token, LayerNorm on")]
    [TestCase(false, TokenPooling.Mean, "mean pooling, LayerNorm off")]
    public void AVisionTransformerStatesItsTokensPoolingAndLayerNorm(bool layerNorm, TokenPooling pooling, string expected)
    {
        using var net = new VisionTransformer(new VisionTransformerOptions
        {
            InputHeight = 8, InputWidth = 8, PatchSize = 4, Width = 8, Depth = 1, HeadCount = 2, MlpRatio = 3, OutputCount = 2,
            Pooling = pooling, UseLayerNorm = layerNorm,
        });
        Assert.That(net.Describe(),
            Is.EqualTo($"ViT-1 3×8×8 → 2, patch 4 (4 patches), width 8, 2 heads, MLP 24, Gelu, {expected}, Standard, output×1"));
    }
}
