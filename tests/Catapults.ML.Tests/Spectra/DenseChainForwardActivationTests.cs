using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The dense chain's forward sweep (Hessian and linearisation products) applies each activation in place
/// (<c>Activations.ApplyInPlace</c>), and its readout pre-activation is the network's output for every activation. Found
/// by mutation testing (round 36A): an identity activation applied as ReLU in the sweep passed every test.
/// </summary>
[TestFixture]
public sealed class DenseChainForwardActivationTests
{
    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Gelu)]
    [TestCase(ActivationKind.Identity)]
    public void TheSweepsReadoutIsTheNetworksOutput(ActivationKind kind)
    {
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = 3, HiddenWidths = new[] { 5, 4 }, UseBias = true, Seed = 4, Activation = kind,
        });
        var x = torch.randn(new long[] { 6, 3 }, generator: new torch.Generator(9));
        int depth = net.Layers.Count;
        var readout = DenseChainForward.Run(net.Layers, kind, x, new Tensor[depth], new Tensor[depth - 1], null, withReadout: true);
        using (torch.no_grad())
            TensorAssert.AllClose(readout!, net.forward(x), 1e-5, 1e-6, kind.ToString());
    }
}
