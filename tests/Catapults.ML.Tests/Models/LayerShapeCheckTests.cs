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
}
