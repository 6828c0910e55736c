using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

public class FullyConnectedNetworkTests
{
    [TestCase(64)]
    [TestCase(256)]
    [TestCase(1024)]
    [TestCase(4096)]
    public void NtkOutputStaysOrderOneAtInitialisation(int width)
    {
        const int d = 100;
        using var g = Seeding.TorchGenerator(1, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 512, d }, generator: g);
        // Average the output variance over several initialisations so the bound is about the parameterisation,
        // not one draw of the readout.
        double variance = 0;
        const int seeds = 4;
        for (int s = 0; s < seeds; s++)
        {
            using var net = Nets.TwoLayer(d, width, seed: s, bias: true);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            variance += net.forward(x).square().mean().ToDouble() / seeds;
        }
        // For ReLU and x ~ N(0, I): E f² = E[relu(z)²] = 1/2 with z ~ N(0,1) (NTK scaling makes it width-free).
        Assert.That(variance, Is.InRange(0.2, 1.5), $"E f² at width {width}");
    }

    [Test]
    public void ShapesNamesAndParameterCounts()
    {
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 7, HiddenWidths = new[] { 11, 13 }, OutputCount = 3, UseBias = true,
        });
        using var x = torch.randn(5, 7);
        using var y = net.forward(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 5, 3 }));
        var names = net.TrainableParameters().Select(p => p.Name).ToArray();
        Assert.That(names, Is.EqualTo(new[] { "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias" }));
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(7 * 11 + 11 + 11 * 13 + 13 + 13 * 3 + 3));
    }

    [Test]
    public void BiasOffHasNoBiasParameters()
    {
        using var net = Nets.TwoLayer(4, 8, bias: false);
        Assert.That(net.TrainableParameters().Select(p => p.Name), Has.None.Contains("bias"));
    }

    [Test]
    public void SameSeedSameWeightsDifferentSeedDifferentWeights()
    {
        using var a = Nets.TwoLayer(10, 32, seed: 3);
        using var b = Nets.TwoLayer(10, 32, seed: 3);
        using var c = Nets.TwoLayer(10, 32, seed: 4);
        var wa = a.TrainableParameters()[0].Parameter;
        Assert.That(wa.equal(b.TrainableParameters()[0].Parameter).all().ToBoolean(), Is.True);
        Assert.That(wa.equal(c.TrainableParameters()[0].Parameter).all().ToBoolean(), Is.False);
    }

    [Test]
    public void NtkForwardMatchesClosedFormOfTheParameterisation()
    {
        // f(x) = aᵀ σ(W x / √d) / √m, computed by hand from the parameters.
        const int d = 6, m = 9;
        using var net = Nets.TwoLayer(d, m, seed: 2, act: ActivationKind.Tanh);
        using var x = torch.randn(4, d);
        var w = net.Layers[0].Weight;
        var a = net.Layers[1].Weight;
        using var expected = torch.tanh(x.matmul(w.t()) / Math.Sqrt(d)).matmul(a.t()) / Math.Sqrt(m);
        using var actual = net.forward(x);
        TensorAssert.AllClose(actual, expected, 1e-5, 1e-6, "forward");
    }

    [Test]
    public void StandardParameterisationUsesPyTorchDefaultBounds()
    {
        using var net = Nets.TwoLayer(100, 1000, p: Parameterization.Standard, bias: true);
        var w = net.Layers[0].Weight;
        double bound = 1 / Math.Sqrt(100);
        Assert.That(w.abs().max().ToDouble(), Is.LessThanOrEqualTo(bound));
        Assert.That(w.abs().max().ToDouble(), Is.GreaterThan(0.95 * bound));
        Assert.That(net.Layers[0].WeightScale, Is.EqualTo(1.0));
    }

    [Test]
    public void MeanFieldReadoutIsScaledByWidth()
    {
        using var net = Nets.TwoLayer(10, 50, p: Parameterization.MeanField);
        Assert.That(net.Layers[0].WeightScale, Is.EqualTo(1 / Math.Sqrt(10)).Within(1e-12));
        Assert.That(net.Layers[1].WeightScale, Is.EqualTo(1.0 / 50).Within(1e-12));
    }

    [Test]
    public void OutputMultiplierScalesOutput()
    {
        using var one = Nets.TwoLayer(5, 8, seed: 1);
        using var scaled = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 5, HiddenWidths = new[] { 8 }, UseBias = false, Seed = 1, OutputMultiplier = 0.25,
        });
        using var x = torch.randn(3, 5);
        TensorAssert.AllClose(scaled.forward(x), one.forward(x) * 0.25, 1e-6, 1e-7, "multiplier");
    }

    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Gelu)]
    [TestCase(ActivationKind.Identity)]
    public void ActivationDerivativeMatchesAutograd(ActivationKind kind)
    {
        using var x = (torch.linspace(-3, 3, 61) + 0.01).requires_grad_();
        using var y = Activations.Apply(kind, x);
        var grad = torch.autograd.grad(new[] { y.sum() }, new[] { x })[0];
        TensorAssert.AllClose(Activations.Derivative(kind, x.detach()), grad, 1e-5, 1e-6, kind.ToString());
    }

    [Test]
    public void BadOptionsAndInputsGiveClearErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 0 }));
        Assert.That(ex!.Message, Does.Contain("InputDimension"));
        ex = Assert.Throws<ArgumentException>(() => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4, 0 } }));
        Assert.That(ex!.Message, Does.Contain("HiddenWidths[1]"));
        using var net = Nets.TwoLayer(3, 4);
        using var wrong = torch.ones(2, 5);
        ex = Assert.Throws<ArgumentException>(() => net.forward(wrong));
        Assert.That(ex!.Message, Does.Contain("[n, 3]").And.Contain("[2, 5]"));
    }

    [TestCase(0.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AZeroOrNonFiniteOutputMultiplierIsRefusedByName(double multiplier)
    {
        // A zero multiplier makes every output and every gradient zero, so training would never move. Found by mutation
        // testing (round 19A): only the image networks' refusal was tried, so the fully connected check could lose its
        // zero case unnoticed.
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, OutputMultiplier = multiplier }));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FullyConnectedOptions.OutputMultiplier)));
        Assert.That(ex.Message, Does.StartWith($"OutputMultiplier must be finite and nonzero, got {multiplier}."));
    }

    [Test]
    public void NullHiddenWidthsAreRefusedByNamePointingToTheLinearModel()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = null! }));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FullyConnectedOptions.HiddenWidths)));
        Assert.That(ex.Message, Does.StartWith("HiddenWidths must not be null (use an empty array for a linear model)."));
    }

    [TestCase(0, 1, nameof(FullyConnectedOptions.InputDimension))]
    [TestCase(3, 0, nameof(FullyConnectedOptions.OutputCount))]
    public void AnInputOrOutputOfNothingIsRefusedByName(int inputs, int outputs, string option)
    {
        var ex = Assert.Throws<ArgumentException>(() => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = inputs, OutputCount = outputs }));
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.StartWith($"{option} must be at least 1, got 0."));
    }
}
