using Catapults.ML.Models;
using Catapults.ML.Tests.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The layer-wise NTK on more samples than one strip of rows (n = 140 > 128) equals J Jᵀ from an autograd Jacobian built
/// row by row. Found by mutation testing (6 Dec 2026): a lower triangle left unmirrored passed every test, whose n fit one strip.
/// </summary>
public sealed class LayerWiseNtkStripTests
{
    [TestCase(1)]
    [TestCase(2)]
    public void LayerWiseKernelBeyondOneStripIsJJt(int outputs)
    {
        using var scope = torch.NewDisposeScope();
        const int n = 140, d = 3;
        using var net = Nets.TwoLayer(d, 4, seed: 2, bias: true, act: ActivationKind.Tanh, outputs: outputs);
        net.to(ScalarType.Float64);
        var x = Inputs(n, d, seed: 3).to(ScalarType.Float64);
        var j = torch.cat(Enumerable.Range(0, n).Select(i => ArchitectureTestKit.JacobianRows(net, x, i)).ToArray());
        var expected = j.mm(j.t());
        var k = LayerWiseNtk.Compute(net, x).to(ScalarType.Float64);
        Assert.That((k - expected).abs().max().ToDouble(), Is.LessThan(1e-9 * expected.abs().max().ToDouble()));
    }
}
