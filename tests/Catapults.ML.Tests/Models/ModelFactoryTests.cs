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
    [TestCase("")]
    public void RejectsMalformedNamesListingTheAcceptedForms(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Parse(name));
        Assert.That(ex!.Message, Does.Contain("wrn-16-4").And.Contain("vit-4"));
        Assert.That(ArchitectureSpec.TryParse(name, out var spec, out var error), Is.False);
        Assert.That(spec, Is.Null);
        Assert.That(error, Is.Not.Empty);
    }

    [Test]
    public void BuildsEachArchitectureFromItsName()
    {
        var settings = new ModelSettings { InputShape = new long[] { 3, 16, 16 }, OutputCount = 3, Seed = 4, OutputMultiplier = 0.5 };

        using var fcn = (FullyConnectedNetwork)ModelFactory.Create("fcn-3", new ModelSettings { InputShape = settings.InputShape, OutputCount = 3, Width = 16 });
        Assert.That(fcn.InputDimension, Is.EqualTo(768));
        Assert.That(fcn.Layers.Select(l => l.OutFeatures), Is.EqualTo(new[] { 16, 16, 3 }));

        settings.Width = 4;
        using var cnn = (ConvolutionalNetwork)ModelFactory.Create("cnn-3", settings);
        Assert.That(cnn.Convolutions.Select(c => c.OutChannels), Is.EqualTo(new[] { 4, 4 }));
        Assert.That(cnn.Options.Seed, Is.EqualTo(4));
        Assert.That(cnn.OutputMultiplier, Is.EqualTo(0.5));

        settings.Width = null;
        settings.Normalization = NormalizationKind.LayerNorm;
        settings.Parameterization = Parameterization.Ntk;
        using var wrn = (WideResNet)ModelFactory.Create("wrn-10-1", settings);
        Assert.That(wrn.Options.Depth, Is.EqualTo(10));
        Assert.That(wrn.Options.WidenFactor, Is.EqualTo(1));
        Assert.That(wrn.Options.Normalization, Is.EqualTo(NormalizationKind.LayerNorm));
        Assert.That(wrn.Options.Parameterization, Is.EqualTo(Parameterization.Ntk));

        settings.Normalization = null;
        settings.Parameterization = null;
        settings.Width = 16;
        settings.Activation = ActivationKind.Relu;
        using var vit = (VisionTransformer)ModelFactory.Create("vit-2", settings);
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
    public void FullyConnectedNetworkOnImagesFlattensThemInChannelMajorOrder()
    {
        using var fcn = ModelFactory.Create("fcn", new ModelSettings { InputShape = new long[] { 3, 4, 4 }, OutputCount = 2, Width = 8 });
        Assert.That(fcn.InputShape, Is.EqualTo(new long[] { 48 }));
        using var images = torch.randn(5, 3, 4, 4);
        using var flat = images.reshape(5, 48);
        Assert.That(fcn.forward(images).equal(fcn.forward(flat)).all().ToBoolean(), Is.True);
        using var wrong = torch.randn(5, 3, 4, 5);
        var ex = Assert.Throws<ArgumentException>(() => fcn.forward(wrong));
        Assert.That(ex!.Message, Does.Contain("[n, 48]").And.Contain("[5, 3, 4, 5]"));
    }

    [Test]
    public void DefaultsMatchTheArchitecturesOwnDefaults()
    {
        using var cnn = (ConvolutionalNetwork)ModelFactory.Create("cnn", new ModelSettings());
        Assert.That(cnn.Convolutions.Select(c => c.OutChannels), Is.EqualTo(new ConvolutionalOptions().ChannelWidths));
        Assert.That(cnn.Options.Parameterization, Is.EqualTo(Parameterization.Ntk));
        Assert.That(cnn.OutputCount, Is.EqualTo(10));
        using var vit = (VisionTransformer)ModelFactory.Create("vit", new ModelSettings());
        using var direct = new VisionTransformer(new VisionTransformerOptions());
        Assert.That(vit.TrainableParameterCount(), Is.EqualTo(direct.TrainableParameterCount()));
        Assert.That(vit.TrainableParameters()[0].Parameter.equal(direct.TrainableParameters()[0].Parameter).all().ToBoolean(), Is.True, "same seed, same weights");
    }

    [Test]
    public void UseBiasSwitchesTheBiasesOfEveryArchitecture()
    {
        // fcn-2 on 12 inputs, width 8, 2 outputs: 12·8 + 8·2 weights, plus 8 + 2 biases when they are on.
        var flat = new ModelSettings { InputShape = new long[] { 12 }, OutputCount = 2, Width = 8 };
        using (var on = ModelFactory.Create("fcn", flat))
            Assert.That(on.TrainableParameterCount(), Is.EqualTo(12 * 8 + 8 * 2 + 8 + 2), "biases on by default");
        flat.UseBias = false;
        using (var off = ModelFactory.Create("fcn", flat))
        {
            Assert.That(off.TrainableParameterCount(), Is.EqualTo(12 * 8 + 8 * 2));
            Assert.That(off.TrainableParameters().Select(p => p.Name), Has.None.Contains("bias"));
        }

        // cnn-3 of width 4: two convolutions of 4 channels and a readout of 3, so 4 + 4 + 3 biases.
        long Count(string arch, bool? bias)
        {
            using var m = ModelFactory.Create(arch, new ModelSettings
            {
                InputShape = new long[] { 3, 8, 8 }, OutputCount = 3, Width = arch.StartsWith("wrn", StringComparison.Ordinal) ? null : 4, UseBias = bias,
            });
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
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("wrn-16-4", new ModelSettings { Width = 8 }));
        Assert.That(ex!.Message, Does.Contain("wrn-16-8"));
        ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("cnn", new ModelSettings { Normalization = NormalizationKind.GroupNorm }));
        Assert.That(ex!.Message, Does.Contain("Normalization"));
        ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("vit", new ModelSettings { InputShape = new long[] { 100 } }));
        Assert.That(ex!.Message, Does.Contain("[C, H, W]").And.Contain("[100]"));
        ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("cnn", new ModelSettings { InputShape = new long[] { 3, 0, 32 } }));
        Assert.That(ex!.Message, Does.Contain("InputShape"));
        ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("cnn-1", new ModelSettings()));
        Assert.That(ex!.Message, Does.Contain("cnn-2"));
        ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ArchitectureSpec(ArchitectureKind.Convolutional, 5, 2), new ModelSettings()));
        Assert.That(ex!.Message, Does.Contain("widening factor"));
    }
}
