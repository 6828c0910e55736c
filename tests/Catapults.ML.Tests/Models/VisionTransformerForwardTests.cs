using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The ViT's forward pass recomposed by hand from its public parts: the readout reads the class token's final state, and a
/// block is h = x + A(x), y = h + W₂σ(W₁h) (layer norms off). Found by mutation testing (6 Dec 2026): pooling token 1
/// and a block that dropped its attention branch (x + m) passed every test.
/// </summary>
public sealed class VisionTransformerForwardTests
{
    [Test]
    public void ReadoutSeesTheClassTokensFinalState()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ClassTokenNetwork(useLayerNorm: false);
        var x = Inputs(6);
        using var noGrad = torch.no_grad();
        var expected = net.Readout.forward(ClassTokenState(net, x));
        Assert.That((net.forward(x) - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
    }

    [Test]
    public void WithLayerNormTheReadoutSeesTheNormalisedClassTokenState()
    {
        using var scope = torch.NewDisposeScope();
        using var net = ClassTokenNetwork(useLayerNorm: true);
        var x = Inputs(7);
        using var noGrad = torch.no_grad();
        var expected = net.Readout.forward(Normalise(ClassTokenState(net, x)));
        Assert.That((net.forward(x) - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
    }

    [Test]
    public void ABlockAddsItsMlpToTheTokensAfterAttention()
    {
        using var scope = torch.NewDisposeScope();
        using var block = Block(useLayerNorm: false, seed: 3);
        using var data = Catapults.ML.Runtime.Seeding.TorchGenerator(4, Catapults.ML.Runtime.Seeding.Stream.Data);
        var x = torch.randn(new long[] { 2, 5, 8 }, ScalarType.Float64, generator: data);
        using var noGrad = torch.no_grad();
        var h = x + block.Attention.forward(x);
        var expected = h + block.MlpOutput.forward(nn.functional.relu(block.MlpHidden.forward(h)));
        Assert.That((block.forward(x) - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
    }

    [Test]
    public void WithLayerNormsEachBranchSeesTheNormalisedTokensOfItsOwnInput()
    {
        // Pre-norm: h = x + A(N₁x), y = h + W₂σ(W₁N₂h), where at initialisation each N is (z − mean) / √(var + 1e-5) over a token's features.
        using var scope = torch.NewDisposeScope();
        using var block = Block(useLayerNorm: true, seed: 5);
        using var data = Catapults.ML.Runtime.Seeding.TorchGenerator(6, Catapults.ML.Runtime.Seeding.Stream.Data);
        var x = 3 * torch.randn(new long[] { 2, 5, 8 }, ScalarType.Float64, generator: data) + 1;
        using var noGrad = torch.no_grad();
        var h = x + block.Attention.forward(Normalise(x));
        var expected = h + block.MlpOutput.forward(nn.functional.relu(block.MlpHidden.forward(Normalise(h))));
        Assert.That((block.forward(x) - expected).abs().max().ToDouble(), Is.LessThan(1e-10));
    }

    private static VisionTransformer ClassTokenNetwork(bool useLayerNorm)
    {
        var net = new VisionTransformer(new VisionTransformerOptions
        {
            InputChannels = 1, InputHeight = 8, InputWidth = 8, OutputCount = 2, PatchSize = 4, Width = 8, Depth = 1,
            HeadCount = 2, Pooling = TokenPooling.ClassToken, UseLayerNorm = useLayerNorm, Seed = 4,
        });
        net.to(ScalarType.Float64);
        return net;
    }

    private static TransformerBlock Block(bool useLayerNorm, long seed)
    {
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(seed, Catapults.ML.Runtime.Seeding.Stream.Initialization);
        var block = new TransformerBlock("block", width: 8, headCount: 2, mlpWidth: 16, ActivationKind.Relu,
            useLayerNorm, useBias: true, Parameterization.Ntk, g);
        block.to(ScalarType.Float64);
        return block;
    }

    private static Tensor Inputs(long seed)
    {
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(seed, Catapults.ML.Runtime.Seeding.Stream.Data);
        return torch.randn(new long[] { 2, 1, 8, 8 }, ScalarType.Float64, generator: g);
    }

    /// <summary>The class token's state after the blocks, recomposed from the patch embedding, class token and positions.</summary>
    private static Tensor ClassTokenState(VisionTransformer net, Tensor x)
    {
        var h = net.PatchEmbedding.forward(net.Patchify(x));
        h = torch.cat(new[] { net.ClassToken!.expand(x.shape[0], 1, 8), h }, 1) + net.PositionEmbedding;
        foreach (var block in net.Blocks) h = block.forward(h);
        return h.select(1, 0);
    }

    /// <summary>A layer norm at initialisation: (z − mean) / √(var + 1e-5) over each token's features.</summary>
    private static Tensor Normalise(Tensor z)
    {
        var centred = z - z.mean(new long[] { -1 }, keepdim: true);
        return centred / torch.sqrt((centred * centred).mean(new long[] { -1 }, keepdim: true) + 1e-5);
    }
}
