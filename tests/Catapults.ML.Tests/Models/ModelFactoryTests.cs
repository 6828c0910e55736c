using Catapults.ML.Models;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

public class ModelFactoryTests
{
    [TestCase("fcn", ArchitectureKind.FullyConnected, null, null, "fcn-2")]
    [TestCase("MLP-3", ArchitectureKind.FullyConnected, 3, null, "fcn-3")]
    [TestCase("cnn", ArchitectureKind.Convolutional, null, null, "cnn-5")]
    [TestCase("cnn-3", ArchitectureKind.Convolutional, 3, null, "cnn-3")]
    [TestCase("wrn", ArchitectureKind.WideResNet, null, null, "wrn-16-4")]
    [TestCase(" WRN-28-10 ", ArchitectureKind.WideResNet, 28, 10, "wrn-28-10")]
    [TestCase("vit", ArchitectureKind.VisionTransformer, null, null, "vit-4")]
    [TestCase("ViT-6", ArchitectureKind.VisionTransformer, 6, null, "vit-6")]
    public void ParsesArchitectureNames(string name, ArchitectureKind kind, int? depth, int? widen, string canonical)
    {
        var spec = ArchitectureSpec.Parse(name);
        Assert.That(spec.Kind, Is.EqualTo(kind));
        Assert.That(spec.Depth, Is.EqualTo(depth));
        Assert.That(spec.WidenFactor, Is.EqualTo(widen));
        Assert.That(spec.ToString(), Is.EqualTo(canonical));
    }

    [TestCase("resnet")]
    [TestCase("wrn-16")]
    [TestCase("cnn-x")]
    [TestCase("vit-4-2")]
    [TestCase("cnn-0")]
    [TestCase("fcn-1001")]
    [TestCase("fcn-2147483647")]
    [TestCase("wrn-16-5000")]
    [TestCase("fcn-+3", TestName = "A number with a sign is not a depth")]
    [TestCase("wrn-16- 4", TestName = "A number after a space is not a widening factor")]
    [TestCase("")]
    public void RejectsMalformedNamesListingTheAcceptedForms(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Parse(name));
        Assert.That(ex!.Message, Does.Contain("wrn-16-4").And.Contain("vit-4"));
        Assert.That(ArchitectureSpec.TryParse(name, out var spec, out var error), Is.False);
        Assert.That(spec, Is.Null);
        Assert.That(error, Is.Not.Empty);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    public void AnEmptyOrBlankNameIsCalledEmpty(string? name)
    {
        Assert.That(ArchitectureSpec.TryParse(name, out _, out var error), Is.False);
        Assert.That(error, Does.StartWith("The architecture name is empty; expected one of the forms fcn, fcn-3, cnn"));
    }

    // A width given to a Wide ResNet is refused with the name to write instead, keeping the depth asked for.
    [TestCase("wrn-10-1", "wrn-10-8")]
    [TestCase("wrn", "wrn-16-8")]
    public void AWidthForAWideResNetIsRefusedWithTheNameToUse(string architecture, string suggested)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            ModelFactory.Create(new NetworkDescription { Architecture = architecture, Width = 8 }, new long[] { 3, 8, 8 }, 2, 0));
        Assert.That(ex!.Message, Does.Contain("e.g. " + suggested + "."));
    }

    // Before, fcn named "HiddenWidths[0]", and a Wide ResNet suggested the name wrn-16-0, itself invalid.
    [TestCase("fcn-2", 0)]
    [TestCase("cnn-3", -1)]
    [TestCase("wrn", 0)]
    [TestCase("vit-2", 0)]
    public void AWidthBelowOneIsRefusedAsSuch(string architecture, int width)
    {
        var network = new NetworkDescription { Architecture = architecture, Width = width };
        var shape = new long[] { 3, 8, 8 };
        foreach (var build in new Action[] { () => ModelFactory.Create(network, shape, 2, 0), () => ModelFactory.SizeBound(network, shape, 2) })
        {
            var ex = Assert.Throws<ArgumentException>(() => build());
            Assert.That(ex!.Message, Does.StartWith($"NetworkDescription.Width must be at least 1 (or null for the architecture's default), got {width}."));
        }
    }

    [TestCase("fcn-2", 16, true)]
    [TestCase("fcn-4", 7, false)]
    [TestCase("fcn-1", null, true)]
    public void TheFullyConnectedParameterCountIsTheBuiltNetworksWithoutBuildingIt(string architecture, int? width, bool bias)
    {
        var description = new NetworkDescription { Architecture = architecture, Width = width, UseBias = bias };
        var shape = new long[] { 3, 5 };
        using var built = ModelFactory.Create(description, shape, 2, 0);
        Assert.That(ModelFactory.ParameterCount(description, shape, 2), Is.EqualTo((double)built.parameters().Sum(p => p.numel())));
        Assert.That(ModelFactory.ParameterCount(description with { Architecture = "cnn-3" }, new long[] { 3, 8, 8 }, 2), Is.Null, "no closed form for image networks");
    }

    [Test]
    public void BuildsEachArchitectureFromItsName()
    {
        var shape = new long[] { 3, 16, 16 };
        var settings = new NetworkDescription { OutputMultiplier = 0.5 };

        using var fcn = (FullyConnectedNetwork)ModelFactory.Create(new NetworkDescription { Architecture = "fcn-3", Width = 16 }, shape, 3, 0);
        Assert.That(fcn.InputDimension, Is.EqualTo(768));
        Assert.That(fcn.Layers.Select(l => l.OutFeatures), Is.EqualTo(new[] { 16, 16, 3 }));

        using var cnn = (ConvolutionalNetwork)ModelFactory.Create(settings with { Architecture = "cnn-3", Width = 4 }, shape, 3, 4);
        Assert.That(cnn.Convolutions.Select(c => c.OutChannels), Is.EqualTo(new[] { 4, 4 }));
        Assert.That(cnn.Options.Seed, Is.EqualTo(4));
        Assert.That(cnn.OutputMultiplier, Is.EqualTo(0.5));

        using var wrn = (WideResNet)ModelFactory.Create(
            settings with { Architecture = "wrn-10-1", Normalization = NormalizationKind.LayerNorm, Parameterization = Parameterization.Ntk }, shape, 3, 4);
        Assert.That(wrn.Options.Depth, Is.EqualTo(10));
        Assert.That(wrn.Options.WidenFactor, Is.EqualTo(1));
        Assert.That(wrn.Options.Normalization, Is.EqualTo(NormalizationKind.LayerNorm));
        Assert.That(wrn.Options.Parameterization, Is.EqualTo(Parameterization.Ntk));

        using var vit = (VisionTransformer)new NetworkDescription { Architecture = "vit-2", Width = 16, Activation = ActivationKind.Relu, OutputMultiplier = 0.5 }.Build(shape, 3, 4);
        Assert.That(vit.Blocks, Has.Count.EqualTo(2));
        Assert.That(vit.Options.Width, Is.EqualTo(16));
        Assert.That(vit.Options.Activation, Is.EqualTo(ActivationKind.Relu));
        Assert.That(vit.Options.Parameterization, Is.EqualTo(Parameterization.Standard), "the ViT's own default");

        foreach (NetworkModule net in new NetworkModule[] { fcn, cnn, wrn, vit })
        {
            using var x = torch.randn(2, 768);
            Assert.That(net.forward(x).shape, Is.EqualTo(new long[] { 2, 3 }), net.Describe());
        }
    }

    [Test]
    public void ANetworkKeepsItsSizesWhenTheCallersOptionsChangeLater()
    {
        var fcnOptions = new FullyConnectedOptions { InputDimension = 4, HiddenWidths = new[] { 8 }, OutputCount = 1, OutputMultiplier = 2 };
        using var fcn = new FullyConnectedNetwork(fcnOptions);
        using var x = torch.randn(3, 4);
        using var before = fcn.forward(x);
        fcnOptions.OutputMultiplier = 100;
        fcnOptions.HiddenWidths[0] = 99;
        fcnOptions.Activation = ActivationKind.Tanh;
        Assert.That(fcn.forward(x).equal(before).all().ToBoolean(), Is.True);
        Assert.That(fcn.Options.HiddenWidths, Is.EqualTo(new[] { 8 }));

        var cnnOptions = new ConvolutionalOptions { InputChannels = 1, InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 4 }, OutputCount = 2 };
        using var cnn = new ConvolutionalNetwork(cnnOptions);
        using var images = torch.randn(2, 64);
        using var cnnBefore = cnn.forward(images);
        cnnOptions.OutputMultiplier = 7;
        cnnOptions.ChannelWidths[0] = 99;
        Assert.That(cnn.forward(images).equal(cnnBefore).all().ToBoolean(), Is.True);
        Assert.That(cnn.Options.ChannelWidths, Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void ADescriptionRoundTripsThroughJsonWithItsEnumsByName()
    {
        var description = new NetworkDescription
        {
            Architecture = "wrn-10-2", UseBias = false, Activation = ActivationKind.Tanh, Parameterization = Parameterization.MeanField,
            Normalization = NormalizationKind.LayerNorm, OutputMultiplier = 0.25,
        };
        string json = System.Text.Json.JsonSerializer.Serialize(description);
        Assert.That(json, Does.Contain("\"Tanh\"").And.Contain("\"MeanField\"").And.Contain("\"LayerNorm\""));
        Assert.That(System.Text.Json.JsonSerializer.Deserialize<NetworkDescription>(json), Is.EqualTo(description));
        Assert.That(System.Text.Json.JsonSerializer.Deserialize<NetworkDescription>("{}"), Is.EqualTo(NetworkDescription.Default), "every default declared once");
    }

    [Test]
    public void FullyConnectedNetworkOnImagesFlattensThemInChannelMajorOrder()
    {
        using var fcn = ModelFactory.Create(new NetworkDescription { Architecture = "fcn", Width = 8 }, new long[] { 3, 4, 4 }, 2, 0);
        Assert.That(fcn.InputShape, Is.EqualTo(new long[] { 48 }));
        using var images = torch.randn(5, 3, 4, 4);
        using var flat = images.reshape(5, 48);
        Assert.That(fcn.forward(images).equal(fcn.forward(flat)).all().ToBoolean(), Is.True);
        using var wrong = torch.randn(5, 3, 4, 5);
        var ex = Assert.Throws<ArgumentException>(() => fcn.forward(wrong));
        Assert.That(ex!.Message, Does.Contain("[n, 48]").And.Contain("[5, 3, 4, 5]"));
    }

    private static readonly long[] Cifar = { 3, 32, 32 };

    [Test]
    public void DefaultsMatchTheArchitecturesOwnDefaults()
    {
        using var cnn = (ConvolutionalNetwork)ModelFactory.Create(new NetworkDescription { Architecture = "cnn" }, Cifar, 10, 0);
        Assert.That(cnn.Convolutions.Select(c => c.OutChannels), Is.EqualTo(new ConvolutionalOptions().ChannelWidths));
        Assert.That(cnn.Options.Parameterization, Is.EqualTo(Parameterization.Ntk));
        Assert.That(cnn.OutputCount, Is.EqualTo(10));
        using var vit = (VisionTransformer)ModelFactory.Create(new NetworkDescription { Architecture = "vit" }, Cifar, 10, 0);
        using var direct = new VisionTransformer(new VisionTransformerOptions());
        Assert.That(vit.TrainableParameterCount(), Is.EqualTo(direct.TrainableParameterCount()));
        Assert.That(vit.TrainableParameters()[0].Parameter.equal(direct.TrainableParameters()[0].Parameter).all().ToBoolean(), Is.True, "same seed, same weights");
        using var fcn = (FullyConnectedNetwork)NetworkDescription.Default.Build(new long[] { 5 }, 1, 0);
        Assert.That(fcn.Options.HiddenWidths, Is.EqualTo(new FullyConnectedOptions().HiddenWidths), "one default width");
    }

    [Test]
    public void UseBiasSwitchesTheBiasesOfEveryArchitecture()
    {
        // fcn-2 on 12 inputs, width 8, 2 outputs: 12·8 + 8·2 weights, plus 8 + 2 biases when they are on.
        var flat = new NetworkDescription { Architecture = "fcn", Width = 8 };
        using (var on = flat.Build(new long[] { 12 }, 2, 0))
            Assert.That(on.TrainableParameterCount(), Is.EqualTo(12 * 8 + 8 * 2 + 8 + 2), "biases on by default");
        using (var off = (flat with { UseBias = false }).Build(new long[] { 12 }, 2, 0))
        {
            Assert.That(off.TrainableParameterCount(), Is.EqualTo(12 * 8 + 8 * 2));
            Assert.That(off.TrainableParameters().Select(p => p.Name), Has.None.Contains("bias"));
        }

        // cnn-3 of width 4: two convolutions of 4 channels and a readout of 3, so 4 + 4 + 3 biases.
        long Count(string arch, bool? bias)
        {
            using var m = new NetworkDescription
            {
                Architecture = arch, Width = arch.StartsWith("wrn", StringComparison.Ordinal) ? null : 4, UseBias = bias,
            }.Build(new long[] { 3, 8, 8 }, 3, 0);
            return m.TrainableParameterCount();
        }
        Assert.That(Count("cnn-3", true) - Count("cnn-3", false), Is.EqualTo(4 + 4 + 3));
        Assert.That(Count("cnn-3", null), Is.EqualTo(Count("cnn-3", true)));
        Assert.That(Count("vit-1", false), Is.LessThan(Count("vit-1", null)));
        Assert.That(Count("wrn-10-1", null), Is.EqualTo(Count("wrn-10-1", false)), "a WRN's convolutions have no bias by default");
        Assert.That(Count("wrn-10-1", true), Is.GreaterThan(Count("wrn-10-1", false)));
    }

    [Test]
    public void SettingsThatDoNotApplyAreErrors()
    {
        ArgumentException Fails(NetworkDescription d, long[]? shape = null) =>
            Assert.Throws<ArgumentException>(() => ModelFactory.Create(d, shape ?? Cifar, 10, 0))!;
        Assert.That(Fails(new NetworkDescription { Architecture = "wrn-16-4", Width = 8 }).Message, Does.Contain("wrn-16-8"));
        Assert.That(Fails(new NetworkDescription { Architecture = "cnn", Normalization = NormalizationKind.GroupNorm }).Message, Does.Contain("Normalization"));
        Assert.That(Fails(new NetworkDescription { Architecture = "vit" }, new long[] { 100 }).Message, Does.Contain("[C, H, W]").And.Contain("[100]"));
        Assert.That(Fails(new NetworkDescription { Architecture = "cnn" }, new long[] { 3, 0, 32 }).Message, Does.Contain("input shape"));
        Assert.That(Fails(new NetworkDescription { Architecture = "cnn-1" }).Message, Does.Contain("cnn-2"));
        Assert.That(Fails(new NetworkDescription { Architecture = "cnn-5-2" }).Message, Does.Contain("wrong number of parts"));
        Assert.That(Fails(new NetworkDescription { Architecture = "resnet" }).Message, Does.Contain("Unknown architecture"));
    }

    [TestCase(new long[0], "[]")]
    [TestCase(new long[] { -2, -3 }, "[-2, -3]")]
    public void AnInputShapeWithoutPositiveSizesIsRefusedByName(long[] shape, string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new NetworkDescription { Width = 4 }, shape, 1, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("inputShape"));
        Assert.That(ex.Message, Does.StartWith($"The input shape must be a non-empty list of positive sizes, got {text}."));
    }

    [TestCase("fcn", new long[0])]
    [TestCase("fcn", new long[] { -2, -3 })]
    [TestCase("cnn", new long[] { 3, 0, 8 })]
    public void TheSizeQueriesRefuseAnInputShapeThatCreateRefuses(string architecture, long[] shape)
    {
        var network = new NetworkDescription { Architecture = architecture, Width = 4 };
        foreach (var query in new TestDelegate[]
                 {
                     () => ModelFactory.ParameterCount(network, shape, 1),
                     () => ModelFactory.SizeBound(network, shape, 1),
                 })
        {
            var ex = Assert.Throws<ArgumentException>(query);
            Assert.That(ex!.ParamName, Is.EqualTo("inputShape"));
            Assert.That(ex.Message, Does.StartWith("The input shape must be a non-empty list of positive sizes"));
        }
    }

    private static Parameterization BuiltParameterization(NetworkModule net) => net switch
    {
        FullyConnectedNetwork f => f.Options.Parameterization,
        ConvolutionalNetwork c => c.Options.Parameterization,
        WideResNet w => w.Options.Parameterization,
        VisionTransformer v => v.Options.Parameterization,
        _ => throw new ArgumentException(net.GetType().Name),
    };

    [TestCase("fcn-2", new long[] { 4 }, ArchitectureKind.FullyConnected, Parameterization.Ntk)]
    [TestCase("cnn-2", new long[] { 1, 8, 8 }, ArchitectureKind.Convolutional, Parameterization.Ntk)]
    [TestCase("wrn-10-1", new long[] { 3, 8, 8 }, ArchitectureKind.WideResNet, Parameterization.Standard)]
    [TestCase("vit-1", new long[] { 1, 8, 8 }, ArchitectureKind.VisionTransformer, Parameterization.Standard)]
    public void TheDefaultParameterizationIsTheOneABuildWithoutOneGets(string architecture, long[] shape, ArchitectureKind kind, Parameterization expected)
    {
        Assert.That(ModelFactory.DefaultParameterization(kind), Is.EqualTo(expected));
        using var net = ModelFactory.Create(new NetworkDescription { Architecture = architecture }, shape, 2, 0);
        Assert.That(BuiltParameterization(net), Is.EqualTo(expected));
    }

    [Test]
    public void TheEffectiveWidthIsTheWidthABuildWithoutOneGets()
    {
        using var fcn = (FullyConnectedNetwork)new NetworkDescription { Architecture = "fcn-2" }.Build(new long[] { 4 }, 1, 0);
        Assert.That(new NetworkDescription { Architecture = "fcn-2" }.EffectiveWidth, Is.EqualTo(1024).And.EqualTo(fcn.Layers[0].OutFeatures));
        using var cnn = (ConvolutionalNetwork)new NetworkDescription { Architecture = "cnn-2" }.Build(new long[] { 1, 8, 8 }, 1, 0);
        Assert.That(new NetworkDescription { Architecture = "cnn-2" }.EffectiveWidth, Is.EqualTo(64).And.EqualTo(cnn.Convolutions[0].OutChannels));
        using var vit = (VisionTransformer)new NetworkDescription { Architecture = "vit-1" }.Build(new long[] { 1, 8, 8 }, 1, 0);
        Assert.That(new NetworkDescription { Architecture = "vit-1" }.EffectiveWidth, Is.EqualTo(128).And.EqualTo(vit.Options.Width));
        Assert.That(new NetworkDescription { Architecture = "wrn-10-1" }.EffectiveWidth, Is.Null);
        Assert.That(new NetworkDescription { Architecture = "vit-1", Width = 16 }.EffectiveWidth, Is.EqualTo(16));
    }

    // 2³¹ input features do not fit a fully connected layer's int fan-in: refused as such by every entry point,
    // not wrapped round to a negative input dimension.
    [Test]
    public void AFullyConnectedInputOfMoreThanIntMaxValueFeaturesIsRefusedAsTooLarge()
    {
        long[] shape = { 65536, 32768 };
        const string expected = "An input of 2147483648 features is too large for a fully connected network.";
        Assert.That(Assert.Throws<ArgumentException>(() => ModelFactory.Create(new NetworkDescription { Width = 4 }, shape, 1, 0))!.Message, Does.StartWith(expected));
        Assert.That(Assert.Throws<ArgumentException>(() => ModelFactory.ParameterCount(new NetworkDescription { Width = 4 }, shape, 1))!.Message, Does.StartWith(expected));
        Assert.That(Assert.Throws<ArgumentException>(() => ModelFactory.SizeBound(new NetworkDescription { Width = 4 }, shape, 1))!.Message, Does.StartWith(expected));
    }

    // 2³² + 8 pixels would wrap round to 8 in an int: the image architectures refuse the side instead of building for 8.
    [TestCase("cnn-2")]
    [TestCase("wrn-10-1")]
    public void AnImageSideBeyondIntMaxValueIsRefusedNotWrappedRound(string architecture)
    {
        long side = (1L << 32) + 8;
        var network = new NetworkDescription { Architecture = architecture, Width = architecture.StartsWith("cnn", StringComparison.Ordinal) ? 2 : null };
        long[] shape = { 3, side, side };
        string expected = $"{ArchitectureSpec.Parse(architecture)} needs an image input shape [C, H, W], got [3, {side}, {side}].";
        Assert.That(Assert.Throws<ArgumentException>(() => ModelFactory.Create(network, shape, 2, 0))!.Message, Does.StartWith(expected));
        Assert.That(Assert.Throws<ArgumentException>(() => ModelFactory.SizeBound(network, shape, 2))!.Message, Does.StartWith(expected));
    }

    [Test]
    public void ANetworkTooLargeForMemoryIsRefusedInOneLineBeforeAnythingIsAllocated()
    {
        // A fully connected network's weights are counted first: 6 · 2³¹ parameters would be 48 GiB of float32.
        var wide = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new NetworkDescription { Width = int.MaxValue }, [4], 1, 0));
        Assert.That(wide!.Message, Does.StartWith("A fully connected network 4-2147483647-1 of ").And.Contain("needs about").And.Not.Contain("\n"));
        Assert.That(wide.ParamName, Is.EqualTo(nameof(FullyConnectedOptions.HiddenWidths)));
        // An image network's weights are checked against an upper bound of its parameters.
        var cnn = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new NetworkDescription { Architecture = "cnn-3", Width = int.MaxValue / 4 }, Cifar, 10, 0));
        Assert.That(cnn!.Message, Does.StartWith("A ConvolutionalNetwork of up to 2.59E+18 parameters needs about").And.Not.Contain("\n"));
        Assert.That(cnn.ParamName, Is.EqualTo("options"));
    }

    // The parameter count is a size query of the network Create would build, so it refuses what Create refuses rather than
    // counting a network with no outputs or an output multiplier of 0. Found by mutation testing (round 33C): dropping
    // its shape check left every test green.
    [TestCase(0, 1.0, "OutputCount")]
    [TestCase(2, 0.0, "OutputMultiplier")]
    [TestCase(2, double.NaN, "OutputMultiplier")]
    public void TheParameterCountRefusesWhatCreateRefuses(int outputs, double multiplier, string setting)
    {
        var network = new NetworkDescription { Width = 4, OutputMultiplier = multiplier };
        var create = Assert.Throws<ArgumentException>(() => ModelFactory.Create(network, new long[] { 3 }, outputs, 0));
        var count = Assert.Throws<ArgumentException>(() => ModelFactory.ParameterCount(network, new long[] { 3 }, outputs));
        Assert.That(count!.ParamName, Is.EqualTo(setting).And.EqualTo(create!.ParamName));
        Assert.That(count.Message, Is.EqualTo(create.Message));
    }

    // A description's activation reaches every architecture, and an image's height and width stay in their places: a
    // 1×4×8 image builds a network for 4 rows of 8, which takes a [n, 1, 4, 8] batch. Found by mutation testing (round
    // 33C): a Wide ResNet that ignored the activation, and height and width swapped, left every test green.
    [TestCase("fcn-2")]
    [TestCase("cnn-2")]
    [TestCase("wrn-10-1")]
    [TestCase("vit-1")]
    public void TheActivationAndTheImageSidesReachTheBuiltNetwork(string architecture)
    {
        var network = new NetworkDescription
        {
            Architecture = architecture, Width = architecture.StartsWith("wrn", StringComparison.Ordinal) ? null : 8,
            Activation = ActivationKind.Tanh,
        };
        using var net = ModelFactory.Create(network, new long[] { 1, 4, 8 }, 2, 0);
        var (activation, shape) = net switch
        {
            FullyConnectedNetwork f => (f.Activation, f.InputShape),
            ConvolutionalNetwork c => (c.Options.Activation, c.Options.InputShape),
            WideResNet w => (w.Options.Activation, w.Options.InputShape),
            VisionTransformer v => (v.Options.Activation, v.Options.InputShape),
            _ => throw new AssertionException(net.GetType().Name),
        };
        Assert.That(activation, Is.EqualTo(ActivationKind.Tanh));
        Assert.That(shape, Is.EqualTo(net is FullyConnectedNetwork ? new long[] { 32 } : new long[] { 1, 4, 8 }));
        using var images = torch.randn(3, 1, 4, 8);
        Assert.That(net.forward(images).shape, Is.EqualTo(new long[] { 3, 2 }));
    }
}
