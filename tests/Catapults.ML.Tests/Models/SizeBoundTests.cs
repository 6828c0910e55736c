using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// <see cref="ModelFactory.SizeBound"/> counts every parameter the built network holds: exactly for a fully connected
/// network, at least for the image architectures, whose bound the memory checks read. Found by mutation testing
/// (6 Dec 2026): a Wide ResNet's bound left out its final normalisation (2 per channel), so with WidenFactor 2 it fell
/// below the count it bounds.
/// </summary>
public sealed class SizeBoundTests
{
    private static readonly long[] Image = { 3, 8, 8 };

    private static IEnumerable<TestCaseData> ImageCases()
    {
        foreach (int outputs in new[] { 1, 20 })
        {
            foreach (bool? bias in new bool?[] { null, true, false })
            {
                yield return new TestCaseData(new NetworkDescription { Architecture = "cnn-2", Width = 4, UseBias = bias }, outputs);
                yield return new TestCaseData(new NetworkDescription { Architecture = "vit-2", Width = 16, UseBias = bias }, outputs);
                foreach (string wrn in new[] { "wrn-10-1", "wrn-10-2", "wrn-16-3" })
                    foreach (var norm in Enum.GetValues<NormalizationKind>())
                        yield return new TestCaseData(new NetworkDescription { Architecture = wrn, UseBias = bias, Normalization = norm }, outputs);
            }
        }
    }

    [TestCaseSource(nameof(ImageCases))]
    public void AnImageNetworksBoundIsAtLeastItsParameterCount(NetworkDescription network, int outputs)
    {
        using var model = ModelFactory.Create(network, Image, outputs, seed: 1);
        long count = model.parameters().Sum(p => p.numel());
        Assert.That(ModelFactory.SizeBound(network, Image, outputs).Parameters, Is.GreaterThanOrEqualTo(count));
    }

    [TestCase("fcn-2", 8, true, 1)]
    [TestCase("fcn-3", 5, false, 3)]
    public void AFullyConnectedNetworksCountIsExact(string architecture, int width, bool bias, int outputs)
    {
        var network = new NetworkDescription { Architecture = architecture, Width = width, UseBias = bias };
        using var model = ModelFactory.Create(network, new long[] { 7 }, outputs, seed: 1);
        Assert.That(ModelFactory.SizeBound(network, new long[] { 7 }, outputs).Parameters, Is.EqualTo(model.parameters().Sum(p => p.numel())));
    }

    [Test]
    public void AFullyConnectedNetworksActivationsAreThreePerHiddenUnitAndOnePerOutput()
    {
        // fcn-3 of width 5 with 3 outputs: each of the two hidden layers keeps its pre-activation, its activation and a
        // slope (3 · 5 each), and the output row keeps its 3 values: 33 floats a sample, whatever the input's size.
        var network = new NetworkDescription { Architecture = "fcn-3", Width = 5 };
        Assert.That(ModelFactory.SizeBound(network, new long[] { 7 }, 3).ActivationsPerSample, Is.EqualTo(33));
        Assert.That(ModelFactory.SizeBound(network, new long[] { 700 }, 3).ActivationsPerSample, Is.EqualTo(33));
    }

    [Test]
    public void AVisionTransformersActivationsCountThreeAttentionMapsPerHead()
    {
        // 8×8 images in 4×4 patches and a class token: T = 5 tokens. Each block keeps three T×T maps per head, so four
        // heads keep 2 blocks · 3 · (4 − 1) · 25 = 450 floats more than one head of the same width.
        VisionTransformerOptions Vit(int heads) => new() { InputHeight = 8, InputWidth = 8, PatchSize = 4, Width = 8, Depth = 2, HeadCount = heads };
        Assert.That(Vit(4).SizeBound().ActivationsPerSample - Vit(1).SizeBound().ActivationsPerSample, Is.EqualTo(450));
    }

    [Test]
    public void ACnnsActivationsCountTwoMapsAtEachConvolutionsInputResolutionAndThePooledOne()
    {
        // 4×4 single-channel images, two convolutions of 2 and 3 channels, each pooled 2×2. The first keeps its output
        // before and after σ at 4×4 and the pooled 2×2: (2 + 1/4) · 2 · 16 = 72; the second sees 2×2 and keeps
        // (2 + 1/4) · 3 · 4 = 27. The weights: (9 · 1 + 1) · 2 + (9 · 2 + 1) · 3 + (3 · 1 · 1 + 1) · 1 = 81, every one of them.
        var options = new ConvolutionalOptions { InputChannels = 1, InputHeight = 4, InputWidth = 4, ChannelWidths = new[] { 2, 3 }, OutputCount = 1 };
        Assert.That(options.SizeBound(), Is.EqualTo((81.0, 99.0)));
        using var net = new ConvolutionalNetwork(options);
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(81));
    }

    [Test]
    public void AWideResNetsActivationsAreCountedAtEachStagesHalvedResolution()
    {
        // WRN-10-1 on 3×8×8: the stem keeps 3 maps of 16 channels at 8×8 (3072); each block keeps 8 maps of its width and
        // 2 of its input's at its stage's resolution: 8×8 for 16 channels (8·16·64 + 2·16·64 = 10240), 4×4 for 32
        // (8·32·16 + 2·16·16 = 4608), 2×2 for 64 (8·64·4 + 2·32·4 = 2304).
        var options = new WideResNetOptions { Depth = 10, WidenFactor = 1, InputHeight = 8, InputWidth = 8 };
        Assert.That(options.SizeBound().ActivationsPerSample, Is.EqualTo(3072 + 10240 + 4608 + 2304));
    }
}
