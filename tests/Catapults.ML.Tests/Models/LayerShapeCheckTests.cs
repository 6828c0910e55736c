using Catapults.ML.Models;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The engine's own layers refuse a shape they cannot handle with a message naming the layer and the shapes, before
/// libtorch fails with an opaque native error (or, for LayerNorm, normalises over the wrong features). The networks'
/// option checks keep these cases away from the layers, so only direct use reaches them. Found by mutation testing
/// (round 9B): removing any of these checks went unseen.
/// </summary>
public sealed class LayerShapeCheckTests
{
    [Test]
    public void GroupsThatDoNotDivideTheChannelsAreRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization("norm", 6, 4));
        Assert.That(ex!.ParamName, Is.EqualTo("groups"));
        Assert.That(ex.Message, Does.Contain("divide the 6 channels"));
    }

    [Test]
    public void LayerNormRefusesTokensOfAnotherWidth()
    {
        using var scope = torch.NewDisposeScope();
        using var norm = new FeatureLayerNormalization("norm", 4);
        var ex = Assert.Throws<ArgumentException>(() => norm.forward(torch.randn(2, 3, 5)));
        Assert.That(ex!.Message, Does.Contain("norm expects input [..., 4]").And.Contain("[2, 3, 5]"));
    }

    [Test]
    public void GroupNormRefusesFeatureMapsWithAnotherChannelCount()
    {
        using var scope = torch.NewDisposeScope();
        using var norm = new GroupNormalization("norm", 4, 2);
        var ex = Assert.Throws<ArgumentException>(() => norm.forward(torch.randn(2, 6, 3, 3)));
        Assert.That(ex!.Message, Does.Contain("norm expects input [n, 4, ...]").And.Contain("[2, 6, 3, 3]"));
    }

    [TestCase(5, 2)]
    [TestCase(2, 5)]
    public void AKernelThatDoesNotFitEitherSideIsRefused(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using var conv = new ScaledConv2d("conv", 1, 2, 3, 1, 0, false, Parameterization.Ntk, generator);
        var ex = Assert.Throws<ArgumentException>(() => conv.forward(torch.randn(1, 1, height, width)));
        Assert.That(ex!.Message, Does.Contain($"a 3×3 kernel does not fit an input of {height}×{width}"));
    }

    [Test]
    public void ALinearLayerWithoutInputsOrOutputsIsRefused()
    {
        using var generator = new torch.Generator(1);
        var outputs = Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledLinear("layer", 3, 0, true, Parameterization.Ntk, false, generator));
        Assert.That(outputs!.ParamName, Is.EqualTo("outFeatures"));
        var inputs = Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledLinear("layer", 0, 3, true, Parameterization.Ntk, false, generator));
        Assert.That(inputs!.ParamName, Is.EqualTo("inFeatures"));
    }

    private static IEnumerable<TestCaseData> LayersOfNothing()
    {
        TestCaseData Case(BuildLayer build, string parameter, object value, string name) =>
            new TestCaseData(build, parameter, value).SetName(name);
        Parameterization ntk = Parameterization.Ntk;
        yield return Case(g => new ScaledConv2d("conv", 0, 2, 3, 1, 1, true, ntk, g), "inChannels", 0, "A convolution without input channels is refused");
        yield return Case(g => new ScaledConv2d("conv", 2, 0, 3, 1, 1, true, ntk, g), "outChannels", 0, "A convolution without output channels is refused");
        yield return Case(g => new ScaledConv2d("conv", 2, 2, 0, 1, 1, true, ntk, g), "kernelSize", 0, "A convolution with an empty kernel is refused");
        yield return Case(g => new ScaledConv2d("conv", 2, 2, 3, 0, 1, true, ntk, g), "stride", 0, "A convolution with stride 0 is refused");
        yield return Case(g => new ScaledConv2d("conv", 2, 2, 3, 1, -1, true, ntk, g), "padding", -1, "A convolution with negative padding is refused");
        yield return Case(_ => new GroupNormalization("norm", 0, 1), "channels", 0, "A group norm without channels is refused");
        yield return Case(_ => new GroupNormalization("norm", 4, 0), "groups", 0, "A group norm without groups is refused");
        yield return Case(_ => new FeatureLayerNormalization("norm", 0), "features", 0, "A layer norm without features is refused");
        yield return Case(g => new MultiHeadSelfAttention("attention", 0, 1, true, ntk, g), "width", 0, "Attention over tokens of width 0 is refused");
        yield return Case(g => new MultiHeadSelfAttention("attention", 8, 0, true, ntk, g), "headCount", 0, "Attention without heads is refused");
        yield return Case(g => new TransformerBlock("block", 8, 2, 0, ActivationKind.Gelu, true, true, ntk, g), "mlpWidth", 0,
            "A transformer block with an MLP of width 0 is refused");
    }

    public delegate void BuildLayer(torch.Generator generator);

    [TestCaseSource(nameof(LayersOfNothing))]
    public void ALayerOfNothingIsRefusedNamingTheSize(BuildLayer build, string parameter, object value)
    {
        using var generator = new torch.Generator(1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => build(generator));
        Assert.That(ex!.ParamName, Is.EqualTo(parameter));
        Assert.That(ex.ActualValue, Is.EqualTo(value));
    }

    [Test]
    public void ALinearLayerWithoutAnInitialisationStreamIsRefused()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new ScaledLinear("layer", 3, 2, true, Parameterization.Ntk, false, null!));
        Assert.That(ex!.ParamName, Is.EqualTo("generator"));
    }
}
