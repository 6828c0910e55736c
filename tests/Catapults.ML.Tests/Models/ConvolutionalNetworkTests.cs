using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Models.ArchitectureTestKit;

namespace Catapults.ML.Tests.Models;

public class ConvolutionalNetworkTests
{
    /// <summary>
    /// A same-padded convolution written as a sum over kernel offsets of shifted images (no conv2d), so the layer is
    /// checked against an independent computation: y[n,o,i,j] = Σ_{c,a,b} W[o,c,a,b] x_pad[n,c,i+a,j+b].
    /// </summary>
    private static Tensor ConvolveByShifts(Tensor x, Tensor w)
    {
        long k = w.shape[2], pad = k / 2, h = x.shape[2], width = x.shape[3];
        using var padded = nn.functional.pad(x, new[] { pad, pad, pad, pad });
        Tensor? sum = null;
        for (long a = 0; a < k; a++)
        for (long b = 0; b < k; b++)
        {
            using var shifted = padded[.., .., TensorIndex.Slice(a, a + h), TensorIndex.Slice(b, b + width)];
            using var tap = w[.., .., a, b];
            var term = torch.einsum("nchw,oc->nohw", shifted, tap);
            if (sum is null) sum = term;
            else
            {
                var next = sum + term;
                sum.Dispose();
                term.Dispose();
                sum = next;
            }
        }
        return sum!;
    }

    [Test]
    public void NtkForwardMatchesAnIndependentComputationOfTheParameterisation()
    {
        // f(x) = Wr · flatten(avgpool(relu((W2 ⋆ relu((W1 ⋆ x)/√(3·9) + b1))/√(5·9) + b2))) / √fan_in + br
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 5, 4 }, OutputCount = 3, Seed = 3, Pooling = PoolingKind.Average,
        });
        using var g = Seeding.TorchGenerator(4, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 2, 3, 8, 8 }, generator: g);
        var c1 = net.Convolutions[0];
        var c2 = net.Convolutions[1];
        // Non-zero biases so that their (unscaled) role is checked too.
        using (torch.no_grad())
        {
            c1.Bias!.copy_(torch.linspace(-0.5, 0.5, 5));
            c2.Bias!.copy_(torch.linspace(0.3, -0.3, 4));
            net.Readout.Bias!.copy_(torch.tensor(new[] { 0.1f, -0.2f, 0.3f }));
        }
        using var scope = torch.NewDisposeScope();
        var h1 = nn.functional.relu(ConvolveByShifts(x, c1.Weight) / Math.Sqrt(3 * 9) + c1.Bias!.view(1, 5, 1, 1));
        var p1 = h1.view(2, 5, 4, 2, 4, 2).mean(new long[] { 3, 5 });
        var h2 = nn.functional.relu(ConvolveByShifts(p1, c2.Weight) / Math.Sqrt(5 * 9) + c2.Bias!.view(1, 4, 1, 1));
        var p2 = h2.view(2, 4, 2, 2, 2, 2).mean(new long[] { 3, 5 }).reshape(2, 16);
        var expected = torch.einsum("nf,of->no", p2, net.Readout.Weight) / Math.Sqrt(16) + net.Readout.Bias!;
        TensorAssert.AllClose(net.forward(x), expected, 1e-5, 1e-6, "CNN forward");
        Assert.That(c1.WeightScale, Is.EqualTo(1 / Math.Sqrt(27)).Within(1e-15));
        Assert.That(c2.FanIn, Is.EqualTo(45));
    }

    [Test]
    public void NtkWeightsAreStandardNormalAndBiasesStartAtZero()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions { ChannelWidths = new[] { 64, 64 }, Seed = 1 });
        var w = net.Convolutions[1].Weight;
        Assert.That(w.mean().ToDouble(), Is.EqualTo(0).Within(0.02));
        Assert.That(w.std().ToDouble(), Is.EqualTo(1).Within(0.02));
        Assert.That(net.Convolutions[1].Bias!.abs().max().ToDouble(), Is.EqualTo(0));
    }

    [Test]
    public void StandardParameterisationUsesPyTorchConv2dBounds()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            ChannelWidths = new[] { 32, 32 }, Parameterization = Parameterization.Standard, Seed = 2,
        });
        var conv = net.Convolutions[1];
        double bound = 1 / Math.Sqrt(32 * 9);
        Assert.That(conv.WeightScale, Is.EqualTo(1.0));
        Assert.That(conv.Weight.abs().max().ToDouble(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.95 * bound));
        Assert.That(conv.Bias!.abs().max().ToDouble(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0));
    }

    [Test]
    public void MeanFieldScalesTheReadoutByItsWidthAndConvolutionsAsNtk()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 6 }, Parameterization = Parameterization.MeanField,
        });
        Assert.That(net.Convolutions[0].WeightScale, Is.EqualTo(1 / Math.Sqrt(27)).Within(1e-15));
        Assert.That(net.Readout.InFeatures, Is.EqualTo(6 * 4 * 4));
        Assert.That(net.Readout.WeightScale, Is.EqualTo(1.0 / 96).Within(1e-15));
    }

    [TestCase(PoolingKind.None, 8)]
    [TestCase(PoolingKind.Average, 2)]
    [TestCase(PoolingKind.Max, 2)]
    public void PoolingSetsTheFeatureMapsAndTheReadoutWidth(PoolingKind pooling, int afterSecond)
    {
        var options = new ConvolutionalOptions { InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 3, 5 }, Pooling = pooling, OutputCount = 2 };
        using var net = new ConvolutionalNetwork(options);
        Assert.That(options.FeatureShape(), Is.EqualTo(new long[] { 5, afterSecond, afterSecond }));
        Assert.That(net.Readout.InFeatures, Is.EqualTo(5 * afterSecond * afterSecond));
        using var x = torch.randn(3, 3 * 8 * 8);
        Assert.That(net.forward(x).shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    [Test]
    public void MaxPoolingTakesTheLargestActivationOfEachWindow()
    {
        // One 1×1 convolution with weight 1 and no bias is the identity up to the NTK scale 1/√1, so the network is
        // relu, max-pool, readout: check against a max over windows computed by hand.
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputChannels = 1, InputHeight = 4, InputWidth = 4, ChannelWidths = new[] { 1 }, KernelSize = 1,
            Pooling = PoolingKind.Max, OutputCount = 1, UseBias = false,
        });
        using (torch.no_grad())
        {
            net.Convolutions[0].Weight.fill_(1);
            net.Readout.Weight.copy_(torch.tensor(new[] { 1f, 10f, 100f, 1000f }).view(1, 4));
        }
        using var x = torch.tensor(new float[] { 1, 2, 0, -1, 3, -4, 5, 6, -1, -2, 0, 0, 7, 1, 0, -3 }).view(1, 16);
        // Windows: {1,2,3,-4}→3, {0,-1,5,6}→6, {-1,-2,7,1}→7, {0,0,0,-3}→0; readout /√4.
        double expected = (3 * 1 + 6 * 10 + 7 * 100 + 0 * 1000) / 2.0;
        Assert.That(net.forward(x).item<float>(), Is.EqualTo(expected).Within(1e-4));
    }

    [Test]
    public void ParameterNamesFollowTheLayers()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions { InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 2, 3 } });
        Assert.That(net.TrainableParameters().Select(p => p.Name), Is.EqualTo(new[]
        {
            "convolutions.0.weight", "convolutions.0.bias", "convolutions.1.weight", "convolutions.1.bias", "readout.weight", "readout.bias",
        }));
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(2 * 27 + 2 + 3 * 18 + 3 + 3 * 4 * 10 + 10));
    }

    [Test]
    public void DefaultIsFiveLayersWithFourConvolutionsOf64()
    {
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions());
        Assert.That(net.Convolutions.Select(c => c.OutChannels), Is.EqualTo(new[] { 64, 64, 64, 64 }));
        Assert.That(net.Readout.InFeatures, Is.EqualTo(64 * 2 * 2));
        Assert.That(net.Options.Parameterization, Is.EqualTo(Parameterization.Ntk));
        Assert.That(net.InputShape, Is.EqualTo(new long[] { 3, 32, 32 }));
        Assert.That(net.OutputCount, Is.EqualTo(10));
        using var x = torch.randn(2, 3072);
        Assert.That(net.forward(x).shape, Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void NtkParameterisedCnnTrainsWithSgd()
    {
        using var data = CifarShaped(64, 2, seed: 10, height: 16, width: 16);
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputHeight = 16, InputWidth = 16, ChannelWidths = new[] { 8, 8 }, Pooling = PoolingKind.None, OutputCount = 2, Seed = 1,
        });
        double initial = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.5, BatchSize = 16, MaxSteps = 200, ShuffleSeed = 1 });
        double final = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(final, Is.LessThan(0.5 * initial), $"initial {initial}");
    }

    [Test]
    public void BadOptionsAndInputsGiveClearErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { KernelSize = 4 }));
        Assert.That(ex!.Message, Does.Contain("KernelSize").And.Contain("odd"));
        ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { ChannelWidths = Array.Empty<int>() }));
        Assert.That(ex!.Message, Does.Contain("ChannelWidths"));
        ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { ChannelWidths = new[] { 4, 0 } }));
        Assert.That(ex!.Message, Does.Contain("ChannelWidths[1]"));
        ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { InputHeight = 8, ChannelWidths = new[] { 2, 2, 2, 2 } }));
        Assert.That(ex!.Message, Does.Contain("PoolingSize").And.Contain("convolution 3"));
        ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { OutputMultiplier = double.NaN }));
        Assert.That(ex!.Message, Does.Contain("OutputMultiplier"));
        ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions { InputChannels = 0 }));
        Assert.That(ex!.Message, Does.Contain("InputChannels"));

        using var net = new ConvolutionalNetwork(new ConvolutionalOptions { InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 2 } });
        using var wrong = torch.ones(2, 3, 8, 9);
        ex = Assert.Throws<ArgumentException>(() => net.forward(wrong));
        Assert.That(ex!.Message, Does.Contain("[n, 192] or [n, 3, 8, 8]").And.Contain("[2, 3, 8, 9]"));
        using var channels = torch.ones(2, 4, 8, 8);
        ex = Assert.Throws<ArgumentException>(() => net.Convolutions[0].forward(channels));
        Assert.That(ex!.Message, Does.Contain("[n, 3, H, W]"));
    }

    [TestCase(32, 2)]
    [TestCase(2, 32)]
    public void PoolingThatShrinksEitherSideToNothingIsRefusedByName(int height, int width)
    {
        // Two pooled convolutions halve each side twice: a side of 2 becomes 1, then 0, at the second convolution,
        // whichever side it is. Found by mutation testing (round 19A): only square inputs were tried, so a check of the
        // height alone passed, and a too-narrow input got as far as a readout without inputs.
        var ex = Assert.Throws<ArgumentException>(() => new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputHeight = height, InputWidth = width, ChannelWidths = new[] { 2, 2 },
        }));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(ConvolutionalOptions.PoolingSize)));
        Assert.That(ex.Message, Does.Contain($"{height}×{width}").And.Contain("convolution 1"));
    }

    [TestCase(0)]
    [TestCase(-2)]
    public void APoolingWindowOfNoPixelsIsRefusedByNameUnlessThereIsNoPooling(int size)
    {
        var options = new ConvolutionalOptions { InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 2 }, PoolingSize = size };
        var ex = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(ConvolutionalOptions.PoolingSize)));
        Assert.That(ex.Message, Does.StartWith($"PoolingSize must be at least 1, got {size}."));
        options.Pooling = PoolingKind.None;
        Assert.DoesNotThrow(() => options.Validate());
    }

    [TestCase(-1)]
    [TestCase(-3)]
    [TestCase(0)]
    public void AKernelSizeBelowOneIsRefusedByNameEvenWhenOdd(int size)
    {
        var ex = Assert.Throws<ArgumentException>(new ConvolutionalOptions { KernelSize = size }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(ConvolutionalOptions.KernelSize)));
        Assert.That(ex.Message, Does.StartWith($"KernelSize must be odd and positive (so padding keeps the size), got {size}."));
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(7)]
    public void EveryOddKernelIsPaddedToKeepTheSpatialSize(int kernel)
    {
        using var scope = torch.NewDisposeScope();
        using var net = new ConvolutionalNetwork(new ConvolutionalOptions
        {
            InputChannels = 1, InputHeight = 8, InputWidth = 8, ChannelWidths = new[] { 2, 3 }, KernelSize = kernel, OutputCount = 2,
        });
        Assert.That(net.Convolutions.Select(c => c.Padding), Is.All.EqualTo((kernel - 1) / 2));
        Assert.That(net.Convolutions.Select(c => c.OutputSize(8)), Is.All.EqualTo(8));
        Assert.That(net.Readout.InFeatures, Is.EqualTo(3 * 2 * 2));
        Assert.That(net.forward(torch.randn(4, 64)).shape, Is.EqualTo(new long[] { 4, 2 }));
    }

    [Test]
    public void NullChannelWidthsAreRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(new ConvolutionalOptions { ChannelWidths = null! }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(ConvolutionalOptions.ChannelWidths)));
        Assert.That(ex.Message, Does.StartWith("ChannelWidths must list at least one convolution."));
    }
}
