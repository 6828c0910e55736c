using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// SAM's ascent step where the single-weight closed form cannot tell: the radius ρ bounds the move of all trainable
/// parameters together (‖·‖ over the weight and the bias at once, not per tensor), and a zero gradient, which has no
/// ascent direction, leaves the weights alone instead of dividing by ‖g‖ = 0. Found by mutation testing (round 9B).
/// </summary>
public sealed class SharpnessAwareAscentTests
{
    private const int N = 20, D = 5;

    [Test]
    public void TheAscentIsNormalisedOverAllParametersTogether()
    {
        // f(x) = wᵀx/√D + b (NTK linear layer with a bias): L = 1/n Σ (wᵀx̃ᵢ + b − yᵢ)², x̃ = x/√D, so
        // ∂L/∂w = (2/n) Σ rᵢ x̃ᵢ and ∂L/∂b = (2/n) Σ rᵢ, and SAM steps with the gradient at (w, b) + ρ (g_w, g_b)/‖(g_w, g_b)‖.
        const double eta = 0.2, radius = 0.4;
        using var scope = torch.NewDisposeScope();
        using var g = Seeding.TorchGenerator(11, Seeding.Stream.Data);
        // A target offset of 3 makes the bias gradient comparable to the weight's, so a per-tensor normalisation moves
        // the bias by a visibly different amount.
        using var data = new TensorDataset(torch.randn(new long[] { N, D }, generator: g), torch.randn(new long[] { N, 1 }, generator: g) + 3);
        using var net = Nets.Linear(D, bias: true, seed: 4);
        var x = data.Features.to_type(ScalarType.Float64).data<double>().Select(v => v / Math.Sqrt(D)).ToArray();
        var y = data.Targets.to_type(ScalarType.Float64).data<double>().ToArray();
        var w = net.Layers[0].Weight.to_type(ScalarType.Float64).data<double>().ToArray();
        double b = net.Layers[0].Bias!.to_type(ScalarType.Float64).data<double>().Single();

        var (gw, gb) = LeastSquares.Gradient(x, y, w, b);
        double norm = Math.Sqrt(gw.Sum(v => v * v) + gb * gb);
        var (aw, ab) = LeastSquares.Gradient(x, y, w.Select((v, j) => v + radius * gw[j] / norm).ToArray(), b + radius * gb / norm);
        var expectedW = w.Select((v, j) => v - eta * aw[j]).ToArray();
        double expectedB = b - eta * ab;

        var result = Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = eta, MaxSteps = 1, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = radius },
        });

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(net.Layers[0].Weight.to_type(ScalarType.Float64).data<double>().ToArray(), Is.EqualTo(expectedW).Within(1e-5));
        Assert.That(net.Layers[0].Bias!.to_type(ScalarType.Float64).data<double>().Single(), Is.EqualTo(expectedB).Within(1e-5));
    }

    [Test]
    public void AZeroGradientLeavesTheWeightsInPlace()
    {
        // Targets equal to the network's own outputs: the residual, and with it every gradient, is exactly 0. SAM has
        // no direction to ascend in, and plain SGD's step is 0, so the weights must not move (nor become NaN).
        using var scope = torch.NewDisposeScope();
        using var g = Seeding.TorchGenerator(12, Seeding.Stream.Data);
        using var net = Nets.Linear(D, bias: false, seed: 6);
        var features = torch.randn(new long[] { N, D }, generator: g);
        Tensor targets;
        using (torch.no_grad()) targets = net.forward(features).detach().clone();
        using var data = new TensorDataset(features, targets);
        var before = net.Layers[0].Weight.to_type(ScalarType.Float64).data<double>().ToArray();
        Assume.That(Losses.Evaluate(net, data, LossKind.MeanSquaredError), Is.Zero, "the fit is exact, so g = 0");

        var result = Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = 0.1, MaxSteps = 2, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.5 },
        });

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(net.Layers[0].Weight.to_type(ScalarType.Float64).data<double>().ToArray(), Is.EqualTo(before));
    }

    [Test]
    public void AnInfiniteRadiusIsRefusedByName()
    {
        // ρ = ∞ would move every weight to ±∞ at the first ascent: the run would only end later, as a "divergence".
        var options = new OptimizerOptions { SharpnessAwareRadius = double.PositiveInfinity };
        var ex = Assert.Throws<ArgumentException>(() => options.Validate("OptimizerSettings"));
        Assert.That(ex!.ParamName, Is.EqualTo("OptimizerSettings.SharpnessAwareRadius"));
        Assert.That(ex.Message, Does.Contain("finite"));
    }
}
