using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The frozen copy of a <see cref="CenteredNetwork"/> is the live network's twin: its state is matched by name as well
/// as shape, and it starts in the live network's mode, whatever mode the factory left the copy in.
/// Found by mutation testing (round 9B): neither the name check nor the mode copy was reached by a test.
/// </summary>
public sealed class CenteredNetworkCopyTests
{
    // A one-layer module that registers its layer under the given name, so two builds can differ in names only.
    private sealed class Renamed : NetworkModule
    {
        private readonly TorchSharp.Modules.Linear layer;

        public Renamed(string name) : base(nameof(Renamed))
        {
            layer = nn.Linear(3, 1);
            register_module(name, layer);
        }

        public override long[] InputShape => new long[] { 3 };
        public override int OutputCount => 1;
        public override string Describe() => "renamed";
        public override Tensor forward(Tensor input) => layer.forward(input);
    }

    // Batch normalisation computes a different function in training and in evaluation mode.
    private sealed class Normalised : NetworkModule
    {
        private readonly TorchSharp.Modules.Linear hidden;
        private readonly TorchSharp.Modules.BatchNorm1d norm;

        public Normalised() : base(nameof(Normalised))
        {
            hidden = nn.Linear(3, 4);
            norm = nn.BatchNorm1d(4);
            RegisterComponents();
        }

        public override long[] InputShape => new long[] { 3 };
        public override int OutputCount => 4;
        public override string Describe() => "normalised";
        public override Tensor forward(Tensor input)
        {
            using var h = hidden.forward(input);
            return norm.forward(h);
        }
    }

    [Test]
    public void ParametersOfTheSameShapeButAnotherNameAreRefused()
    {
        int calls = 0;
        var ex = Assert.Throws<ArgumentException>(() => new CenteredNetwork(() => new Renamed(calls++ == 0 ? "first" : "second")));
        Assert.That(ex!.Message, Does.Contain("differ at parameters #0").And.Contain("first.weight").And.Contain("second.weight"));
    }

    [Test]
    public void TheCopyStartsInTheModeTheFactoryLeftTheLiveNetworkIn()
    {
        // The factory leaves only the module it builds first (the live one) in evaluation mode: the copy must follow
        // the live network, not the factory.
        using var scope = torch.NewDisposeScope();
        int calls = 0;
        using var net = new CenteredNetwork(() =>
        {
            var m = new Normalised();
            if (calls++ == 0) m.eval();
            return m;
        });
        Assert.That(net.Network.training, Is.False);
        Assert.That(net.InitialNetwork.training, Is.EqualTo(net.Network.training));
        // In one mode both halves compute the same function, so the centred output is exactly 0 at initialisation.
        using var y = net.forward(torch.randn(8, 3, generator: new torch.Generator(3)));
        Assert.That(y.abs().max().ToDouble(), Is.Zero);
    }

    // The copy takes the live network's buffers as well as its weights: a factory that hands over modules whose running
    // statistics differ (here each has seen another batch) still gives an output of exactly 0 in evaluation mode.
    [Test]
    public void TheCopyTakesTheLiveNetworksRunningStatistics()
    {
        using var scope = torch.NewDisposeScope();
        int calls = 0;
        using var net = new CenteredNetwork(() =>
        {
            var m = new Normalised();
            using (var batch = torch.randn(16, 3, generator: new torch.Generator((ulong)(10 + calls++))) * (calls + 1))
            using (var warm = m.forward(batch)) { }
            return m;
        });
        var live = net.Network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in net.InitialNetwork.named_buffers())
            Assert.That(buffer.eq(live[name]).all().ToBoolean(), Is.True, name);
        net.eval();
        using var y = net.forward(torch.randn(8, 3, generator: new torch.Generator(3)));
        Assert.That(y.abs().max().ToDouble(), Is.Zero);
    }
}
