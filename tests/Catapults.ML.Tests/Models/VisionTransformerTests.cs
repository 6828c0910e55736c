using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Models.ArchitectureTestKit;

namespace Catapults.ML.Tests.Models;

public class VisionTransformerTests
{
    [Test]
    public void PatchesAreImageBlocksInRowMajorOrderWithChannelMajorFeatures()
    {
        using var net = new VisionTransformer(new VisionTransformerOptions { InputHeight = 8, InputWidth = 12, Width = 16, Depth = 1, HeadCount = 2 });
        using var images = torch.arange(2 * 3 * 8 * 12, dtype: ScalarType.Float32).view(2, 3, 8, 12);
        using var patches = net.Patchify(images);
        Assert.That(patches.shape, Is.EqualTo(new long[] { 2, 6, 48 }));
        for (int n = 0; n < 2; n++)
        for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
        {
            using var block = images[n, .., TensorIndex.Slice(4 * r, 4 * r + 4), TensorIndex.Slice(4 * c, 4 * c + 4)].flatten();
            TensorAssert.AllClose(patches[n, 3 * r + c], block, 0, 0, $"sample {n}, patch ({r}, {c})");
        }
    }

    [Test]
    public void AttentionMatchesAPerSamplePerHeadComputation()
    {
        const int width = 8, heads = 2, tokens = 5, headWidth = width / heads;
        using var g = Seeding.TorchGenerator(2, Seeding.Stream.Initialization);
        using var attention = new MultiHeadSelfAttention("attention", width, heads, useBias: true, Parameterization.Ntk, g);
        attention.to(ScalarType.Float64);
        using (torch.no_grad()) attention.QueryKeyValue.Bias!.copy_(torch.linspace(-1, 1, 3 * width, dtype: ScalarType.Float64));
        using var data = Seeding.TorchGenerator(3, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 3, tokens, width }, generator: data, dtype: ScalarType.Float64);
        using var actual = attention.forward(x);

        using var scope = torch.NewDisposeScope();
        var qkvW = attention.QueryKeyValue.Weight * attention.QueryKeyValue.WeightScale;
        var outW = attention.Output.Weight * attention.Output.WeightScale;
        var samples = new List<Tensor>();
        for (int n = 0; n < 3; n++)
        {
            var qkv = torch.mm(x[n], qkvW.t()) + attention.QueryKeyValue.Bias!;
            var perHead = new List<Tensor>();
            for (int h = 0; h < heads; h++)
            {
                var q = qkv[.., TensorIndex.Slice(h * headWidth, (h + 1) * headWidth)];
                var k = qkv[.., TensorIndex.Slice(width + h * headWidth, width + (h + 1) * headWidth)];
                var v = qkv[.., TensorIndex.Slice(2 * width + h * headWidth, 2 * width + (h + 1) * headWidth)];
                var scores = torch.mm(q, k.t()) / Math.Sqrt(headWidth);
                var weights = torch.exp(scores - scores.max(1, keepdim: true).values);
                weights = weights / weights.sum(1, keepdim: true);
                perHead.Add(torch.mm(weights, v));
            }
            samples.Add(torch.mm(torch.cat(perHead, 1), outW.t()) + attention.Output.Bias!);
        }
        TensorAssert.AllClose(actual, torch.stack(samples), 1e-10, 1e-12, "multi-head self-attention");
    }

    [Test]
    public void DefaultIsViT4WithTheExpectedParameterCount()
    {
        using var net = new VisionTransformer(new VisionTransformerOptions());
        Assert.That(net.Blocks, Has.Count.EqualTo(4));
        Assert.That(net.Options.TokenCount, Is.EqualTo(65));
        Assert.That(net.PositionEmbedding.shape, Is.EqualTo(new long[] { 1, 65, 128 }));
        // Patch embedding 48·128 + 128; class token 128; positions 65·128; per block: 2 LayerNorms 2·256,
        // QKV 128·384 + 384, output 128·128 + 128, MLP 128·256 + 256 + 256·128 + 128; final LayerNorm 256; readout 128·10 + 10.
        long perBlock = 512 + 128 * 384 + 384 + 128 * 128 + 128 + 128 * 256 + 256 + 256 * 128 + 128;
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(48 * 128 + 128 + 128 + 65 * 128 + 4 * perBlock + 256 + 1290));
        Assert.That(net.Describe(), Does.StartWith("ViT-4"));
        using var x = torch.randn(2, 3072);
        Assert.That(net.forward(x).shape, Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void ParameterNamesFollowTheModules()
    {
        using var net = Tiny(ArchitectureKind.VisionTransformer);
        var names = net.TrainableParameters().Select(p => p.Name).ToList();
        Assert.That(names, Does.Contain("classToken").And.Contain("positionEmbedding").And.Contain("patchEmbedding.weight")
            .And.Contain("blocks.0.norm1.weight").And.Contain("blocks.0.attention.queryKeyValue.weight")
            .And.Contain("blocks.0.attention.output.bias").And.Contain("blocks.0.mlpHidden.weight").And.Contain("norm.weight")
            .And.Contain("readout.weight"));
    }

    [Test]
    public void MeanPoolingHasNoClassTokenAndKeepsSamplesIndependent()
    {
        using var net = new VisionTransformer(new VisionTransformerOptions
        {
            InputHeight = 16, InputWidth = 16, Width = 16, Depth = 1, HeadCount = 2, Pooling = TokenPooling.Mean, OutputCount = 2, UseLayerNorm = false,
        });
        Assert.That(net.ClassToken, Is.Null);
        Assert.That(net.PositionEmbedding.shape, Is.EqualTo(new long[] { 1, 16, 16 }));
        Assert.That(net.TrainableParameters().Select(p => p.Name), Has.None.Contains("norm").And.None.EqualTo("classToken"));
        using var x = Images(3, seed: 20);
        using var other = ReplaceOthers(x, 2, seed: 21);
        using var rows = JacobianRows(net, x, 2);
        using var rowsOther = JacobianRows(net, other, 2);
        TensorAssert.AllClose(rowsOther, rows, 1e-4, 1e-6, "mean pooling: ∂f(x_i)/∂θ");
    }

    [Test]
    public void EmbeddingsFollowTheParameterisation()
    {
        using var standard = new VisionTransformer(new VisionTransformerOptions());
        Assert.That(standard.PositionEmbedding.std().ToDouble(), Is.EqualTo(0.02).Within(0.001));
        Assert.That(standard.ClassToken!.std().ToDouble(), Is.EqualTo(0.02).Within(0.005));
        Assert.That(standard.PatchEmbedding.WeightScale, Is.EqualTo(1.0));
        using var ntk = new VisionTransformer(new VisionTransformerOptions { Parameterization = Parameterization.Ntk });
        Assert.That(ntk.PositionEmbedding.std().ToDouble(), Is.EqualTo(1).Within(0.03));
        Assert.That(ntk.ClassToken!.std().ToDouble(), Is.EqualTo(1).Within(0.25));
        Assert.That(ntk.PatchEmbedding.WeightScale, Is.EqualTo(1 / Math.Sqrt(48)).Within(1e-15));
        Assert.That(ntk.Blocks[0].MlpOutput.WeightScale, Is.EqualTo(1 / Math.Sqrt(256)).Within(1e-15));
        Assert.That(ntk.Readout.WeightScale, Is.EqualTo(1 / Math.Sqrt(128)).Within(1e-15));
        using var meanField = new VisionTransformer(new VisionTransformerOptions { Parameterization = Parameterization.MeanField, Depth = 1 });
        Assert.That(meanField.Readout.WeightScale, Is.EqualTo(1.0 / 128).Within(1e-15));
    }

    private static IEnumerable<TestCaseData> SizesOfNothing()
    {
        yield return new TestCaseData(new VisionTransformerOptions { PatchSize = 0 }, nameof(VisionTransformerOptions.PatchSize),
            "PatchSize must be positive and divide the input's height 32 and width 32, got 0.").SetName("A patch of no pixels is refused by name");
        yield return new TestCaseData(new VisionTransformerOptions { HeadCount = 0 }, nameof(VisionTransformerOptions.HeadCount),
            "HeadCount must be positive and divide Width 128, got 0.").SetName("Attention without heads is refused by name");
        yield return new TestCaseData(new VisionTransformerOptions { Width = 0 }, nameof(VisionTransformerOptions.Width),
            "Width must be at least 1, got 0.").SetName("Tokens of width 0 are refused by name");
        yield return new TestCaseData(new VisionTransformerOptions { Width = -4 }, nameof(VisionTransformerOptions.Width),
            "Width must be at least 1, got -4.").SetName("A negative token width that the heads divide is refused by name");
    }

    [TestCaseSource(nameof(SizesOfNothing))]
    public void SizesOfNothingAreRefusedByTheirOption(VisionTransformerOptions options, string option, string message)
    {
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.StartWith(message));
    }

    [Test]
    public void BadOptionsAndInputsGiveClearErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisionTransformer(new VisionTransformerOptions { PatchSize = 5 }));
        Assert.That(ex!.Message, Does.Contain("PatchSize").And.Contain("32"));
        ex = Assert.Throws<ArgumentException>(() => new VisionTransformer(new VisionTransformerOptions { HeadCount = 3 }));
        Assert.That(ex!.Message, Does.Contain("HeadCount").And.Contain("128"));
        ex = Assert.Throws<ArgumentException>(() => new VisionTransformer(new VisionTransformerOptions { Depth = 0 }));
        Assert.That(ex!.Message, Does.Contain("Depth"));
        ex = Assert.Throws<ArgumentException>(() => new VisionTransformer(new VisionTransformerOptions { MlpRatio = 0 }));
        Assert.That(ex!.Message, Does.Contain("MlpRatio"));

        using var g = Seeding.TorchGenerator(0, Seeding.Stream.Initialization);
        using var attention = new MultiHeadSelfAttention("attention", 8, 2, true, Parameterization.Standard, g);
        using var wrong = torch.ones(2, 5, 6);
        ex = Assert.Throws<ArgumentException>(() => attention.forward(wrong));
        Assert.That(ex!.Message, Does.Contain("[n, T, 8]").And.Contain("[2, 5, 6]"));
        using var net = Tiny(ArchitectureKind.VisionTransformer);
        using var image = torch.ones(1, 3, 32, 32);
        ex = Assert.Throws<ArgumentException>(() => net.forward(image));
        Assert.That(ex!.Message, Does.Contain("[n, 3, 16, 16]"));
    }

    [TestCase(3, 8, 16)]
    [TestCase(3, 8, 8)]
    [TestCase(3, 12, 12)]
    [TestCase(1, 8, 12)]
    public void PatchifyRefusesImagesOfAnotherShapeNamingTheExpectedOne(int channels, int height, int width)
    {
        // The network expects 3×8×12 images. Found by mutation testing (round 19A): no test gave Patchify a wrong width,
        // and without its check libtorch's reshape failed with a multi-line native message instead of this one.
        using var net = new VisionTransformer(new VisionTransformerOptions { InputHeight = 8, InputWidth = 12, Width = 16, Depth = 1, HeadCount = 2 });
        using var images = torch.zeros(2, channels, height, width);
        var ex = Assert.Throws<ArgumentException>(() => net.Patchify(images));
        Assert.That(ex!.Message, Does.Contain("[n, 3, 8, 12]").And.Contain($"[2, {channels}, {height}, {width}]"));
    }
}
