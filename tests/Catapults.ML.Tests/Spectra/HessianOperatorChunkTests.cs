using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// The Hessian operator's streamed loss, and the products of its retained autograd graph after the first. Found by
/// mutation testing (6 Dec 2026): the loss over chunks divided by the chunk size instead of n passed every test.
/// </summary>
public sealed class HessianOperatorChunkTests
{
    [Test]
    public void ChunkedLossValueIsTheMeanOverAllSamples()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 10, d = 4;
        using var net = Nets.TwoLayer(d, 6, seed: 3, bias: true, act: Catapults.ML.Models.ActivationKind.Tanh, outputs: 2);
        net.to(ScalarType.Float64);
        using var data = RandomRegression(n, d, seed: 7, outputs: 2);
        var x = data.Features.to(ScalarType.Float64);
        var y = data.Targets;
        double expected;
        using (torch.no_grad()) expected = (net.forward(x) - y.to(ScalarType.Float64)).square().sum().ToDouble() / n;
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, new HessianOptions { ChunkSize = 3 });
        Assert.That(op.LossValue(), Is.EqualTo(expected).Within(1e-10 * Math.Max(1, Math.Abs(expected))));
    }

    [Test]
    public void ARetainedAutogradGraphServesEveryLaterProduct()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 8, d = 3;
        // A centred network goes through autograd, not a dense layer chain, whose graph the operator keeps for every product.
        using var net = new CenteredNetwork(() => Nets.TwoLayer(d, 6, seed: 3, bias: true, act: Catapults.ML.Models.ActivationKind.Tanh), 0.5);
        net.to(ScalarType.Float64);
        using var data = RandomRegression(n, d, seed: 4);
        var x = data.Features.to(ScalarType.Float64);
        long p = net.TrainableParameterCount();
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(5, Catapults.ML.Runtime.Seeding.Stream.Data);
        var vectors = Enumerable.Range(0, 3).Select(_ => torch.randn(new long[] { p, 1 }, ScalarType.Float64, generator: g)).ToArray();
        using var op = new HessianOperator(net, x, data.Targets, LossKind.MeanSquaredError);
        foreach (var v in vectors)
        {
            // Each product against a fresh operator's first one.
            using var fresh = new HessianOperator(net, x, data.Targets, LossKind.MeanSquaredError);
            var expected = fresh.Apply(v).to(ScalarType.Float64);
            var actual = op.Apply(v).to(ScalarType.Float64);
            Assert.That((actual - expected).abs().max().ToDouble(), Is.LessThan(1e-12 * Math.Max(1, expected.abs().max().ToDouble())));
        }
    }
}
