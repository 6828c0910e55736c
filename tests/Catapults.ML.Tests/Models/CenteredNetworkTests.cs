using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

public class CenteredNetworkTests
{
    private static Func<NetworkModule> Fcn(int d, int[] widths, Parameterization p, bool bias = false,
        ActivationKind act = ActivationKind.Relu, long seed = 0, int outputs = 1) =>
        () => new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = widths, OutputCount = outputs, UseBias = bias, Parameterization = p,
            Activation = act, Seed = seed,
        });

    [TestCase(Parameterization.MeanField, 0.01)]
    [TestCase(Parameterization.MeanField, 1.0)]
    [TestCase(Parameterization.MeanField, 100.0)]
    [TestCase(Parameterization.Ntk, 0.001)]
    [TestCase(Parameterization.Standard, 3.0)]
    public void OutputIsExactlyZeroAtInitialisation(Parameterization p, double gamma)
    {
        using var net = new CenteredNetwork(Fcn(12, new[] { 40, 30 }, p, bias: p != Parameterization.MeanField, act: ActivationKind.Tanh, outputs: 3), gamma);
        using var x = torch.randn(64, 12) * 5;
        using var y = net.forward(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 64, 3 }));
        Assert.That(y.eq(0).all().ToBoolean(), Is.True, $"max |f| = {y.abs().max().ToDouble()}");
    }

    /// <summary>A small image model with a buffer-carrying batch norm: the wrapper must work for any NetworkModule.</summary>
    private sealed class TinyConvNet : NetworkModule
    {
        private readonly TorchSharp.Modules.Conv2d conv;
        private readonly TorchSharp.Modules.BatchNorm2d norm;
        private readonly TorchSharp.Modules.Linear readout;

        public TinyConvNet() : base(nameof(TinyConvNet))
        {
            conv = nn.Conv2d(2, 4, 3, padding: 1);
            norm = nn.BatchNorm2d(4);
            readout = nn.Linear(4 * 5 * 5, 3);
            RegisterComponents();
        }

        public override long[] InputShape => new long[] { 2, 5, 5 };
        public override int OutputCount => 3;
        public override string Describe() => "tiny CNN";

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var h = nn.functional.relu(norm.forward(conv.forward(ReshapeInput(input))));
            return readout.forward(h.flatten(1)).MoveToOuterDisposeScope();
        }
    }

    [Test]
    public void WrapsAnyNetworkModuleIncludingBuffersAndBatchStatistics()
    {
        // torch's default initialisation is random, so the two factory calls differ until the wrapper copies the state.
        using var net = new CenteredNetwork(() => new TinyConvNet(), 0.2);
        Assert.That(net.InputShape, Is.EqualTo(new long[] { 2, 5, 5 }));
        Assert.That(net.Describe(), Does.Contain("tiny CNN").And.Contain("γ = 0.2"));
        Assert.That(net.InitialNetwork.named_buffers().Count(), Is.EqualTo(3), "batch-norm running mean, variance and count");
        using var x = torch.randn(6, 50);
        using (var y = net.forward(x)) Assert.That(y.eq(0).all().ToBoolean(), Is.True, "train mode (batch statistics)");
        net.eval();
        Assert.That(net.InitialNetwork.training, Is.False);
        using (var y = net.forward(x)) Assert.That(y.eq(0).all().ToBoolean(), Is.True, "eval mode (running statistics)");
        Assert.That(net.TrainableParameters().All(p => p.Name.StartsWith("network.", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public void InitialCopyIsFrozenAndExcludedFromTrainableParameters()
    {
        using var net = new CenteredNetwork(Fcn(6, new[] { 16 }, Parameterization.MeanField, seed: 3), 2.0);
        var trainable = net.TrainableParameters();
        Assert.That(trainable.Select(t => t.Name), Is.EqualTo(new[] { "network.layers.0.weight", "network.layers.1.weight" }));
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(6 * 16 + 16));
        Assert.That(net.InitialNetwork.parameters().All(p => !p.requires_grad), Is.True);
        Assert.That(net.InitialNetwork.TrainableParameters(), Is.Empty);
        var live = net.Network.parameters().ToList();
        var frozen = net.InitialNetwork.parameters().ToList();
        for (int i = 0; i < live.Count; i++)
        {
            Assert.That(ReferenceEquals(live[i], frozen[i]), Is.False);
            Assert.That(live[i].equal(frozen[i]).all().ToBoolean(), Is.True, $"parameter {i} copied");
        }
    }

    [Test]
    public void GradientsReachOnlyTheLiveWeightsAndAStepMovesOnlyThem()
    {
        using var net = new CenteredNetwork(Fcn(5, new[] { 8 }, Parameterization.MeanField, seed: 1), 0.5);
        using var x = torch.randn(10, 5);
        using var target = torch.randn(10, 1);
        var frozenBefore = net.InitialNetwork.parameters().Select(p => p.detach().clone()).ToList();
        using (var scope = torch.NewDisposeScope())
        {
            var loss = (net.forward(x) - target).square().mean();
            loss.backward();
        }
        Assert.That(net.Network.parameters().All(p => p.grad is not null), Is.True);
        Assert.That(net.InitialNetwork.parameters().All(p => p.grad is null), Is.True);
        using (torch.no_grad())
            foreach (var p in net.Network.parameters()) p.sub_(p.grad! * 10.0);
        var frozenAfter = net.InitialNetwork.parameters().ToList();
        for (int i = 0; i < frozenAfter.Count; i++)
            Assert.That(frozenAfter[i].equal(frozenBefore[i]).all().ToBoolean(), Is.True, "frozen copy unchanged");
        using var y = net.forward(x);
        Assert.That(y.abs().max().ToDouble(), Is.GreaterThan(1e-4), "the output moves once the live weights move");
        foreach (var t in frozenBefore) t.Dispose();
    }

    [Test]
    public void OutputIsTheCentredDifferenceDividedByGammaInClosedForm()
    {
        // Mean-field two-layer net: f_w(x) = a · relu(W x / √d) / N, centred and divided by γ, computed by hand.
        const int d = 7, n = 20;
        const double gamma = 0.3;
        using var net = new CenteredNetwork(Fcn(d, new[] { n }, Parameterization.MeanField, seed: 5), gamma);
        using var g = Seeding.TorchGenerator(9, Seeding.Stream.Data);
        using (torch.no_grad())
            foreach (var p in net.Network.parameters()) p.add_(torch.randn(p.shape, generator: g) * 0.3);
        using var x = torch.randn(new long[] { 6, d }, generator: g);
        var fcn = (FullyConnectedNetwork)net.Network;
        var fcn0 = (FullyConnectedNetwork)net.InitialNetwork;
        using var scope = torch.NewDisposeScope();
        Tensor Hand(FullyConnectedNetwork f) =>
            torch.mm(nn.functional.relu(torch.mm(x, f.Layers[0].Weight.t()) / Math.Sqrt(d)), f.Layers[1].Weight.t()) / n;
        var expected = (Hand(fcn) - Hand(fcn0)) / gamma;
        TensorAssert.AllClose(net.forward(x), expected, 1e-5, 1e-6, "centred output");
    }

    [Test]
    public void OutputScalesExactlyAsOneOverGamma()
    {
        using var small = new CenteredNetwork(Fcn(4, new[] { 12 }, Parameterization.MeanField, seed: 2), 0.25);
        using var large = new CenteredNetwork(Fcn(4, new[] { 12 }, Parameterization.MeanField, seed: 2), 4.0);
        using (torch.no_grad())
        {
            var a = small.Network.parameters().ToList();
            var b = large.Network.parameters().ToList();
            for (int i = 0; i < a.Count; i++)
            {
                using var delta = torch.full(a[i].shape, 0.1);
                a[i].add_(delta);
                b[i].add_(delta);
            }
        }
        using var x = torch.randn(9, 4);
        using var ys = small.forward(x);
        using var yl = large.forward(x);
        Assert.That(small.OutputMultiplier, Is.EqualTo(4.0));
        Assert.That(large.OutputMultiplier, Is.EqualTo(0.25));
        TensorAssert.AllClose(ys, yl * 16.0, 1e-6, 1e-9, "f(γ = 1/4) = 16 f(γ = 4)");
    }

    [Test]
    public void AFactoryWhoseSecondModuleHasMoreLayersIsRejectedEvenWhenTheFirstLayersMatch()
    {
        // 3-4-1 and then 3-4-1-1 without biases: the second's first two weights are the first's, so only the count tells them apart.
        int calls = 0;
        var ex = Assert.Throws<ArgumentException>(() => new CenteredNetwork(() => new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 3, HiddenWidths = calls++ == 0 ? new[] { 4 } : new[] { 4, 1 }, UseBias = false,
        }), 1.0));
        Assert.That(ex!.ParamName, Is.EqualTo("factory"));
        Assert.That(ex.Message, Does.StartWith("The factory's two modules have different numbers of parameters (2 and 3)."));
    }

    [Test]
    public void FactoryMisuseIsRejectedWithAClearMessage()
    {
        using var shared = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 } });
        var ex = Assert.Throws<ArgumentException>(() => new CenteredNetwork(() => shared, 1.0));
        Assert.That(ex!.Message, Does.Contain("same instance"));
        int calls = 0;
        ex = Assert.Throws<ArgumentException>(() => new CenteredNetwork(
            () => new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 + calls++ } }), 1.0));
        Assert.That(ex!.Message, Does.Contain("differ at parameters #0").And.Contain("[4, 3]").And.Contain("[5, 3]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredNetwork(Fcn(3, new[] { 4 }, Parameterization.Ntk), 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredNetwork(Fcn(3, new[] { 4 }, Parameterization.Ntk), double.NaN));
    }

    [Test]
    public void ForwardAndTrainingStepsLeakNoTensors()
    {
        using var net = new CenteredNetwork(Fcn(8, new[] { 32 }, Parameterization.MeanField), 0.1);
        using var x = torch.randn(16, 8);
        using var target = torch.randn(16, 1);
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            var loss = (net.forward(x) - target).square().mean();
            loss.backward();
            using (torch.no_grad())
                foreach (var p in net.TrainableParameters()) { p.Parameter.sub_(p.Parameter.grad! * 1e-3); p.Parameter.grad!.zero_(); }
        }
        TensorAssert.NoLeak(Step, () => { for (int i = 0; i < 50; i++) Step(); }, "centred forward/backward");
    }
}
