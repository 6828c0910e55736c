using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Models.ArchitectureTestKit;

namespace Catapults.ML.Tests.Models;

public class WideResNetTests
{
    [Test]
    public void Wrn16x4HasTheOriginalStructureAndParameterCount()
    {
        using var net = new WideResNet(new WideResNetOptions());
        var blocks = net.Blocks;
        Assert.That(blocks, Has.Count.EqualTo(6));
        Assert.That(blocks.Select(b => b.Convolution1.OutChannels), Is.EqualTo(new[] { 64, 64, 128, 128, 256, 256 }));
        Assert.That(blocks.Select(b => b.Convolution1.Stride), Is.EqualTo(new[] { 1, 1, 2, 1, 2, 1 }));
        Assert.That(blocks.Select(b => b.Shortcut is not null), Is.EqualTo(new[] { true, false, true, false, true, false }));
        // Stem 3·16·9 = 432; stage 1: 47 264 + 73 984; stage 2: 229 760 + 295 424; stage 3: 918 272 + 1 180 672;
        // final GroupNorm 512; readout 256·10 + 10. The original paper lists WRN-16-4 at 2.7M parameters.
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(2_748_890));
        Assert.That(net.Describe(), Does.StartWith("WRN-16-4"));
        using var x = torch.randn(1, 3, 32, 32);
        Assert.That(net.forward(x).shape, Is.EqualTo(new long[] { 1, 10 }));
    }

    [TestCase(NormalizationKind.None, 0)]
    [TestCase(NormalizationKind.GroupNorm, 4)]
    [TestCase(NormalizationKind.LayerNorm, 1)]
    public void NormalisationChoiceBuildsPerSampleLayersStartingAtTheIdentityMap(NormalizationKind kind, int groups)
    {
        using var net = (WideResNet)Tiny(ArchitectureKind.WideResNet, normalization: kind);
        var norms = net.modules().OfType<GroupNormalization>().ToList();
        if (kind == NormalizationKind.None)
        {
            Assert.That(norms, Is.Empty);
            Assert.That(net.TrainableParameters().Select(p => p.Name), Has.None.Contains("norm"));
            return;
        }
        // Two per block and one before the readout.
        Assert.That(norms, Has.Count.EqualTo(2 * net.Blocks.Count + 1));
        Assert.That(norms.Select(n => n.Groups), Is.All.EqualTo(groups));
        foreach (var n in norms)
        {
            Assert.That(n.Weight.eq(1).all().ToBoolean(), Is.True, "γ starts at 1");
            Assert.That(n.Bias.eq(0).all().ToBoolean(), Is.True, "β starts at 0");
        }
        Assert.That(net.TrainableParameters().Select(p => p.Name), Does.Contain("blocks.0.norm1.weight").And.Contain("norm.bias"));
    }

    [Test]
    public void GroupNormalisationMatchesStatisticsComputedByHand()
    {
        using var norm = new GroupNormalization("norm", channels: 6, groups: 3);
        using (torch.no_grad())
        {
            norm.Weight.copy_(torch.linspace(0.5, 1.5, 6));
            norm.Bias.copy_(torch.linspace(-1, 1, 6));
        }
        using var g = Seeding.TorchGenerator(1, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 2, 6, 3, 3 }, generator: g, dtype: ScalarType.Float64) * 2 + 1;
        using var scope = torch.NewDisposeScope();
        // Each group of 2 channels × 9 positions of each sample has its own mean and (biased) variance.
        var grouped = x.view(2, 3, 18);
        var mean = grouped.mean(new long[] { 2 }, keepdim: true);
        var variance = (grouped - mean).square().mean(new long[] { 2 }, keepdim: true);
        var expected = ((grouped - mean) / (variance + 1e-5).sqrt()).view(2, 6, 3, 3) * norm.Weight.to_type(ScalarType.Float64).view(1, 6, 1, 1)
                       + norm.Bias.to_type(ScalarType.Float64).view(1, 6, 1, 1);
        TensorAssert.AllClose(norm.forward(x.to_type(ScalarType.Float32)), expected, 1e-5, 1e-5, "GroupNorm");
    }

    [TestCase(NormalizationKind.None)]
    [TestCase(NormalizationKind.LayerNorm)]
    public void EveryNormalisationKeepsSamplesIndependent(NormalizationKind kind)
    {
        // (GroupNorm is covered by ArchitectureContractTests.)
        using var net = Tiny(ArchitectureKind.WideResNet, seed: 7, normalization: kind);
        using var x = Images(4, seed: 12);
        using var other = ReplaceOthers(x, 0, seed: 13);
        TensorAssert.AllClose(JacobianRows(net, other, 0), JacobianRows(net, x, 0), 1e-4, 1e-6, $"{kind}: ∂f(x_0)/∂θ");
    }

    [Test]
    public void TheIndependenceCheckCatchesBatchNormalisation()
    {
        // The same checks on a network that normalises with batch statistics (batch norm in training mode) must fail:
        // this is why the Wide ResNet offers no batch norm.
        using var net = new BatchStatisticsNetwork();
        using var x = Images(4, seed: 14);
        using var other = ReplaceOthers(x, 1, seed: 15);
        using var rows = JacobianRows(net, x, 1);
        using var rowsOther = JacobianRows(net, other, 1);
        Assert.That((rows - rowsOther).abs().max().ToDouble(), Is.GreaterThan(1e-3), "batch statistics make ∂f(x_i)/∂θ depend on x_j");
        using var g = InputGradientOfSample(net, x, 1);
        Assert.That(g[0].abs().max().ToDouble(), Is.GreaterThan(1e-4), "batch statistics make f(x_i) depend on x_j");
    }

    [Test]
    public void TrainAndEvalModesComputeTheSameFunction()
    {
        using var net = Tiny(ArchitectureKind.WideResNet, seed: 8);
        using var x = Images(3, seed: 16);
        net.train();
        using var inTraining = net.forward(x);
        net.eval();
        using var inEvaluation = net.forward(x);
        TensorAssert.AllClose(inEvaluation, inTraining, 0, 0, "train vs eval");
    }

    [Test]
    public void NtkParameterisationScalesEveryConvolutionByItsFanIn()
    {
        using var net = (WideResNet)Tiny(ArchitectureKind.WideResNet, parameterization: Parameterization.Ntk);
        Assert.That(net.Stem.WeightScale, Is.EqualTo(1 / Math.Sqrt(27)).Within(1e-15));
        var block = net.Blocks[1];
        Assert.That(block.Convolution1.WeightScale, Is.EqualTo(1 / Math.Sqrt(block.Convolution1.InChannels * 9.0)).Within(1e-15));
        Assert.That(block.Shortcut!.WeightScale, Is.EqualTo(1 / Math.Sqrt(block.Shortcut.InChannels)).Within(1e-15));
        Assert.That(net.Readout.WeightScale, Is.EqualTo(1 / Math.Sqrt(32)).Within(1e-15));
        using var standard = (WideResNet)Tiny(ArchitectureKind.WideResNet, parameterization: Parameterization.Standard);
        Assert.That(standard.Blocks[1].Convolution1.WeightScale, Is.EqualTo(1.0));
    }

    // The widest stage has 4·BaseWidth·k channels; up to 2^20 of them is a width the options accept (whether the
    // weights fit is the memory check's call), one step beyond is refused by name.
    [Test]
    public void AWidestStageOfTwoToTheTwentyChannelsIsTheLargestAccepted()
    {
        var widest = new WideResNetOptions { BaseWidth = 16, WidenFactor = 16384 };
        Assert.That(widest.StageWidths[^1], Is.EqualTo(1 << 20));
        Assert.DoesNotThrow(widest.Validate);
        var ex = Assert.Throws<ArgumentException>(new WideResNetOptions { BaseWidth = 16, WidenFactor = 16385 }.Validate);
        Assert.That(ex!.Message, Does.StartWith("BaseWidth·WidenFactor = 262160 is unreasonably large."));
        Assert.That(ex.ParamName, Is.EqualTo("WidenFactor"));
    }

    [Test]
    public void BadOptionsGiveClearErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WideResNet(new WideResNetOptions { Depth = 15 }));
        Assert.That(ex!.Message, Does.Contain("Depth").And.Contain("6n + 4"));
        ex = Assert.Throws<ArgumentException>(() => new WideResNet(new WideResNetOptions { Depth = 4 }));
        Assert.That(ex!.Message, Does.Contain("Depth"));
        ex = Assert.Throws<ArgumentException>(() => new WideResNet(new WideResNetOptions { WidenFactor = 0 }));
        Assert.That(ex!.Message, Does.Contain("WidenFactor"));
        ex = Assert.Throws<ArgumentException>(() => new WideResNet(new WideResNetOptions { GroupCount = 3 }));
        Assert.That(ex!.Message, Does.Contain("GroupCount").And.Contain("16"));
        var undefined = Assert.Throws<ArgumentOutOfRangeException>(() => new WideResNet(new WideResNetOptions { Normalization = (NormalizationKind)7 }));
        Assert.That(undefined!.Message, Does.StartWith("Normalization must be one of "));
        Assert.DoesNotThrow(() => new WideResNetOptions { GroupCount = 3, Normalization = NormalizationKind.LayerNorm }.Validate(),
            "GroupCount only matters for GroupNorm");
    }

    [TestCase(0)]
    [TestCase(-16)]
    public void ABaseWidthOfNoChannelsIsRefusedByName(int baseWidth)
    {
        var ex = Assert.Throws<ArgumentException>(new WideResNetOptions { BaseWidth = baseWidth }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(WideResNetOptions.BaseWidth)));
        Assert.That(ex.Message, Does.StartWith($"BaseWidth must be at least 1, got {baseWidth}."));
    }

    [TestCase(0)]
    [TestCase(-8)]
    public void GroupNormWithoutGroupsIsRefusedByName(int groups)
    {
        var ex = Assert.Throws<ArgumentException>(new WideResNetOptions { GroupCount = groups }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(WideResNetOptions.GroupCount)));
        Assert.That(ex.Message, Does.StartWith($"GroupCount must be positive and divide BaseWidth 16 (and so every stage width), got {groups}."));
    }

    /// <summary>A two-layer network with batch normalisation in training mode: the negative control.</summary>
    private sealed class BatchStatisticsNetwork : NetworkModule
    {
        private readonly ScaledLinear hidden;
        private readonly ScaledLinear readout;

        public BatchStatisticsNetwork() : base(nameof(BatchStatisticsNetwork))
        {
            using var g = Seeding.TorchGenerator(3, Seeding.Stream.Initialization);
            hidden = new ScaledLinear("hidden", 768, 16, true, Parameterization.Ntk, false, g);
            readout = new ScaledLinear("readout", 16, 2, true, Parameterization.Ntk, true, g);
            RegisterComponents();
        }

        public override long[] InputShape => new long[] { 3, 16, 16 };
        public override int OutputCount => 2;
        public override string Describe() => "batch-norm negative control";

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var h = hidden.forward(ReshapeInput(input).flatten(1));
            var mean = h.mean(new long[] { 0 }, keepdim: true);
            var variance = (h - mean).square().mean(new long[] { 0 }, keepdim: true);
            h = nn.functional.relu((h - mean) / (variance + 1e-5).sqrt());
            return readout.forward(h).MoveToOuterDisposeScope();
        }
    }
}
