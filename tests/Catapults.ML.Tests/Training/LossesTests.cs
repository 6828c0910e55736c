using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The MSE goes through libtorch's fused mse_loss (one operation and one backward node). It must keep the normalisation
/// L = 1/b Σᵢ ‖f(xᵢ) − yᵢ‖² and its gradient 2(f − y)/b, and with one output the bits of the per-sample formulation it replaced.
/// </summary>
public class LossesTests
{
    [TestCase(5)]
    [TestCase(50)]
    public void MseWithOneOutputHasTheBitsOfTheMeanOfPerSampleSums(int b)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(3);
        var f = torch.randn(new long[] { b, 1 }, generator: generator).requires_grad_(true);
        var y = torch.randn(new long[] { b, 1 }, generator: generator);
        var r = f - y;
        var expected = (r * r).sum(1).mean();
        var expectedGradient = torch.autograd.grad(new[] { expected }, new[] { f })[0];

        var loss = Losses.Compute(LossKind.MeanSquaredError, f, y);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { f })[0];

        Assert.That(loss.item<float>(), Is.EqualTo(expected.item<float>()), "loss, bit for bit");
        Assert.That(gradient.data<float>().ToArray(), Is.EqualTo(expectedGradient.data<float>().ToArray()), "gradient, bit for bit");
    }

    [Test]
    public void MseOfAFloat64ModelAgainstFloat32TargetsHasSecondDerivatives()
    {
        // HessianOperator differentiates the loss of float64 models twice; the fused mse_loss cannot mix the two types.
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(7);
        var w = torch.randn(new long[] { 3, 2 }, generator: generator).to_type(ScalarType.Float64).requires_grad_(true);
        var x = torch.randn(new long[] { 4, 3 }, generator: generator).to_type(ScalarType.Float64);
        var y = torch.randn(new long[] { 4, 2 }, generator: generator);

        var loss = Losses.Compute(LossKind.MeanSquaredError, x.mm(w), y);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { w }, retain_graph: true, create_graph: true)[0];
        var hessianColumn = torch.autograd.grad(new[] { gradient[0, 0] }, new[] { w })[0];

        Assert.That(loss.dtype, Is.EqualTo(ScalarType.Float64));
        // ∂²L/∂w₀₀∂w = (2/b) Σᵢ xᵢ₀ xᵢ for output 0, zero for output 1.
        var expected = torch.zeros(3, 2, dtype: ScalarType.Float64);
        expected[.., 0] = (x.t().mm(x.narrow(1, 0, 1)) * (2.0 / 4)).squeeze(1);
        Assert.That(torch.allclose(hessianColumn, expected, rtol: 1e-12, atol: 1e-12), Is.True);
    }

    [Test]
    public void MseWithSeveralOutputsIsTheSummedSquaresOverTheBatchSize()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(5);
        const int b = 7;
        var f = torch.randn(new long[] { b, 3 }, generator: generator).requires_grad_(true);
        var y = torch.randn(new long[] { b, 3 }, generator: generator);

        var loss = Losses.Compute(LossKind.MeanSquaredError, f, y);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { f })[0];

        var r = (f.detach() - y).to_type(ScalarType.Float64);
        double expected = (r * r).sum().item<double>() / b;
        Assert.That(loss.item<float>(), Is.EqualTo(expected).Within(1e-6 * expected));
        var expectedGradient = (r * (2.0 / b)).to_type(ScalarType.Float32);
        Assert.That(torch.allclose(gradient, expectedGradient, rtol: 1e-6, atol: 1e-7), Is.True, "∂L/∂f = 2(f − y)/b");
    }

    // Found by mutation testing (round 31C): targets shaped unlike the output would broadcast (a [b] target against a
    // [b, 1] output gives b² residuals), so they are refused, naming both shapes.
    [Test]
    public void MseRefusesTargetsShapedUnlikeTheOutput()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => Losses.Compute(LossKind.MeanSquaredError, torch.zeros(4, 1), torch.zeros(4)));
        Assert.That(ex!.ParamName, Is.EqualTo("target"));
        Assert.That(ex.Message, Does.StartWith("MeanSquaredError needs float32 targets shaped like the output [4, 1], got [4] Float32."));
    }

    // Found by mutation testing (round 31C): class indices come as one index per sample; a column of them is refused
    // by the loss's own check, not by libtorch.
    [Test]
    public void CrossEntropyRefusesClassIndicesThatAreNotOneDimensional()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros(new long[] { 3, 1 }, dtype: ScalarType.Int64);
        var ex = Assert.Throws<ArgumentException>(() => Losses.Compute(LossKind.CrossEntropy, torch.zeros(3, 4), target));
        Assert.That(ex!.ParamName, Is.EqualTo("target"));
        Assert.That(ex.Message, Does.StartWith("CrossEntropy needs int64 class indices [3], got [3, 1] Int64."));
    }
}
