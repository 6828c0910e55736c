using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

public class FeatureStrengthScalingTests
{
    [Test]
    public void LearningRateRuleFollowsTheStatedFormulas()
    {
        var rule = new FeatureStrengthScaling(depth: 3, widthFactor: 64);
        const double eta0 = 0.05;
        // γ ≤ 1: η = W η₀ γ².
        Assert.That(rule.LearningRate(eta0, 0.1), Is.EqualTo(64 * 0.05 * 0.01).Within(1e-15));
        Assert.That(rule.LearningRate(eta0, 0.001), Is.EqualTo(64 * 0.05 * 1e-6).Within(1e-18));
        // γ ≥ 1: η = W η₀ γ^(2/L).
        Assert.That(rule.LearningRate(eta0, 8.0), Is.EqualTo(64 * 0.05 * 4.0).Within(1e-12));
        Assert.That(rule.LearningRate(eta0, 1000.0), Is.EqualTo(64 * 0.05 * 100.0).Within(1e-9));
        // The branches meet at γ = 1 and the exponents are 2 and 2/L.
        Assert.That(rule.LearningRate(eta0, 1.0), Is.EqualTo(64 * 0.05));
        Assert.That(rule.LearningRate(eta0, 1 + 1e-9) / rule.LearningRate(eta0, 1 - 1e-9), Is.EqualTo(1.0).Within(1e-8));
        Assert.That(rule.Exponent(0.5), Is.EqualTo(2.0));
        Assert.That(rule.Exponent(2.0), Is.EqualTo(2.0 / 3));
        Assert.That((rule.LazySlope, rule.RichSlope), Is.EqualTo((2.0, 2.0 / 3)));
        // The inverse rule.
        foreach (double g in new[] { 0.003, 0.7, 1.0, 5.0, 300.0 })
            Assert.That(rule.BaseRate(rule.LearningRate(eta0, g), g), Is.EqualTo(eta0).Within(1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => rule.LearningRate(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rule.LearningRate(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureStrengthScaling(0));
    }

    [TestCase(1, 1e200, TestName = "γ = 1e200 at depth 1: γ² overflows")]
    [TestCase(2, 1e-200, TestName = "γ = 1e-200: γ² underflows to 0")]
    public void AGammaThatTakesTheRateOutOfFloat64sRangeIsRefused(int depth, double gamma)
    {
        var rule = new FeatureStrengthScaling(depth);
        var forward = Assert.Throws<ArgumentOutOfRangeException>(() => rule.LearningRate(1, gamma));
        Assert.That(forward!.Message, Does.Contain($"at γ = {gamma:G3}, outside float64's range").And.Not.Contain("\n"));
        Assert.Throws<ArgumentOutOfRangeException>(() => rule.BaseRate(1, gamma));
    }

    [Test]
    public void RuleForFullyConnectedNetworksStatesDepthAndWidthFactor()
    {
        using var mf = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 10, HiddenWidths = new[] { 32, 48 }, UseBias = false, Parameterization = Parameterization.MeanField,
        });
        var rule = FeatureStrengthScaling.For(mf);
        Assert.That((rule.Depth, rule.WidthFactor), Is.EqualTo((3, 48.0)));
        using var centred = new CenteredNetwork(() => new FullyConnectedNetwork(mf.Options), 2.0);
        Assert.That(FeatureStrengthScaling.For(centred), Is.EqualTo(rule));

        using var ntk = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 10, HiddenWidths = new[] { 32 } });
        Assert.That(FeatureStrengthScaling.For(ntk), Is.EqualTo(new FeatureStrengthScaling(2, 1.0)));

        using var withBias = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 10, HiddenWidths = new[] { 32 }, UseBias = true, Parameterization = Parameterization.MeanField,
        });
        var ex = Assert.Throws<ArgumentException>(() => FeatureStrengthScaling.For(withBias));
        Assert.That(ex!.Message, Does.Contain("UseBias = false"));
    }

    private sealed class StatedArchitecture(int depth, double widthFactor) : NetworkModule(nameof(StatedArchitecture)), IFeatureStrengthArchitecture
    {
        public int Depth => depth;
        public double LearningRateWidthFactor => widthFactor;
        public override long[] InputShape => new long[] { 2 };
        public override int OutputCount => 1;
        public override string Describe() => "an architecture that states its rule";
        public override torch.Tensor forward(torch.Tensor input) => input.sum(1, keepdim: true);
    }

    [Test]
    public void AnArchitectureThatStatesItsDepthAndWidthFactorGetsThemAlsoWhenCentred()
    {
        using var stated = new StatedArchitecture(4, 96);
        Assert.That(FeatureStrengthScaling.For(stated), Is.EqualTo(new FeatureStrengthScaling(4, 96)));
        using var centred = new CenteredNetwork(() => new StatedArchitecture(4, 96), 0.5);
        Assert.That(FeatureStrengthScaling.For(centred), Is.EqualTo(new FeatureStrengthScaling(4, 96)));
    }

    [Test]
    public void AnArchitectureWithoutAKnownRuleIsRefusedNamingItsType()
    {
        using var cnn = new ConvolutionalNetwork(new ConvolutionalOptions { InputChannels = 1, InputHeight = 4, InputWidth = 4, ChannelWidths = new[] { 1 } });
        var ex = Assert.Throws<ArgumentException>(() => FeatureStrengthScaling.For(cnn));
        Assert.That(ex!.ParamName, Is.EqualTo("network"));
        Assert.That(ex.Message, Does.StartWith("No feature-strength rate rule is known for ConvolutionalNetwork: implement IFeatureStrengthArchitecture"));
    }

    // Without hidden layers the readout reads the input itself: its fan-in, and so the width factor, is the input dimension.
    [Test]
    public void AMeanFieldLinearModelsWidthFactorIsItsInputDimension()
    {
        using var linear = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 7, HiddenWidths = Array.Empty<int>(), UseBias = false, Parameterization = Parameterization.MeanField,
        });
        Assert.That(FeatureStrengthScaling.For(linear), Is.EqualTo(new FeatureStrengthScaling(1, 7.0)));
        Assert.That(FeatureStrengthScaling.For(linear).LearningRate(0.5, 0.5), Is.EqualTo(7 * 0.5 * 0.25).Within(1e-15));
    }

    // A width factor of 0 would make every rate 0 (and the inverse rule divide by it): refused when the rule is built.
    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    public void AWidthFactorThatIsNotFiniteAndPositiveIsRefusedByName(double widthFactor)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureStrengthScaling(2, widthFactor));
        Assert.That(ex!.ParamName, Is.EqualTo("widthFactor"));
    }

    [TestCase(new int[0], 1, 6)]
    [TestCase(new[] { 40 }, 2, 40)]
    [TestCase(new[] { 40, 24 }, 3, 24)]
    public void AMeanFieldNetworksWidthFactorIsItsReadoutsFanIn(int[] hiddenWidths, int depth, double widthFactor)
    {
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 6, HiddenWidths = hiddenWidths, UseBias = false, Parameterization = Parameterization.MeanField,
        });
        var rule = FeatureStrengthScaling.For(net);
        Assert.That((rule.Depth, rule.WidthFactor), Is.EqualTo((depth, widthFactor)));
        Assert.That(rule.WidthFactor, Is.EqualTo(net.Layers[^1].InFeatures));
    }

    [Test]
    public void MeanFieldHiddenLayersUseOneOverRootFanInAndTheReadoutOneOverWidth()
    {
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 10, HiddenWidths = new[] { 20, 30 }, UseBias = false, Parameterization = Parameterization.MeanField,
        });
        Assert.That(net.Layers[0].WeightScale, Is.EqualTo(1 / Math.Sqrt(10)).Within(1e-15));
        Assert.That(net.Layers[1].WeightScale, Is.EqualTo(1 / Math.Sqrt(20)).Within(1e-15));
        Assert.That(net.Layers[2].WeightScale, Is.EqualTo(1.0 / 30).Within(1e-15));
    }

    [Test]
    public void TangentKernelScaleMatchesTheWidthFactorAndGammaSquared()
    {
        // The rule's premise: for a mean-field readout K(x, x) = ‖∇_w f(x)‖² is O(1/(γ² N)), so the stable rate is
        // ∝ γ² N. Measured independently with autograd at two widths and two γ, averaged over inputs and seeds.
        double Kernel(int width, double gamma)
        {
            double total = 0;
            const int seeds = 3, inputs = 8;
            for (int s = 0; s < seeds; s++)
            {
                using var net = new CenteredNetwork(() => new FullyConnectedNetwork(new FullyConnectedOptions
                {
                    InputDimension = 16, HiddenWidths = new[] { width }, UseBias = false,
                    Parameterization = Parameterization.MeanField, Seed = s,
                }), gamma);
                using var g = Seeding.TorchGenerator(s, Seeding.Stream.Data);
                using var x = torch.randn(new long[] { inputs, 16 }, generator: g);
                var ps = net.TrainableParameters().Select(p => (torch.Tensor)p.Parameter).ToList();
                for (int i = 0; i < inputs; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    var f = net.forward(x[i..(i + 1)]).sum();
                    var grads = torch.autograd.grad(new[] { f }, ps);
                    total += grads.Sum(gr => gr.square().sum().ToDouble()) / (seeds * inputs);
                }
            }
            return total;
        }
        double k64 = Kernel(64, 1.0), k1024 = Kernel(1024, 1.0), k64Small = Kernel(64, 0.1);
        Assert.That(k64 / k1024, Is.InRange(16 / 1.5, 16 * 1.5), "K ∝ 1/N (width factor W = N)");
        Assert.That(k64Small / k64, Is.EqualTo(100.0).Within(1e-3).Percent, "K ∝ 1/γ²");
        Assert.That(k64 * 64, Is.InRange(0.1, 10.0), "γ² N K is order one");
    }
}
