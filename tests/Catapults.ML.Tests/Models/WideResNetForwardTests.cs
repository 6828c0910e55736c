using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The Wide ResNet's forward pass recomposed by hand from its public parts (normalisation off, ReLU): blocks
/// y = C₂(σ(C₁(σ x))) + S(σ x), the first block of each later stage strided, a final σ before pooling; and LayerNorm
/// built as a single group. Found by mutation testing (6 Dec 2026): a shortcut applied to x instead of σ(x) passed every test.
/// </summary>
public sealed class WideResNetForwardTests
{
    private static WideResNet Build(NormalizationKind norm) => new(new WideResNetOptions
    {
        InputChannels = 3, InputHeight = 8, InputWidth = 8, OutputCount = 2, Depth = 16, WidenFactor = 1, BaseWidth = 4,
        GroupCount = 2, Normalization = norm, Activation = ActivationKind.Relu, UseConvolutionBias = true, Seed = 5,
    });

    [Test]
    public void OnlyTheFirstBlockOfTheLaterStagesStrides()
    {
        using var net = Build(NormalizationKind.None);
        Assert.That(net.Blocks.Select(b => b.Convolution1.Stride), Is.EqualTo(new[] { 1, 1, 2, 1, 2, 1 }));
    }

    [Test]
    public void ForwardIsTheHandComposedResidualNetwork()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Build(NormalizationKind.None);
        net.to(ScalarType.Float64);
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(9, Catapults.ML.Runtime.Seeding.Stream.Data);
        var x = torch.randn(new long[] { 3, 3, 8, 8 }, ScalarType.Float64, generator: g);
        using var noGrad = torch.no_grad();
        var h = net.Stem.forward(x);
        foreach (var block in net.Blocks)
        {
            var pre = nn.functional.relu(h);
            var inner = block.Convolution2.forward(nn.functional.relu(block.Convolution1.forward(pre)));
            h = inner + (block.Shortcut is null ? h : block.Shortcut.forward(pre));
        }
        var expected = net.Readout.forward(nn.functional.relu(h).mean(new long[] { 2, 3 }));
        var actual = net.forward(x);
        Assert.That((actual - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
    }

    [Test]
    public void LayerNormIsOneGroupPerLayer()
    {
        using var net = Build(NormalizationKind.LayerNorm);
        var groups = net.modules().OfType<GroupNormalization>().Select(m => m.Groups).ToList();
        Assert.That(groups, Is.Not.Empty);
        Assert.That(groups, Is.All.EqualTo(1));
    }
}
