using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// SAM on a quadratic, against its closed form. For the bias-free linear model f(x) = wᵀx/√d (NTK parameterisation)
/// the MSE loss L(w) = 1/n ‖X̃w − y‖² with X̃ = X/√d is a quadratic with gradient g(w) = (2/n) X̃ᵀ(X̃w − y), so one SAM
/// step is w ← w − η g(w + ρ g(w)/‖g(w)‖), computed here in float64 with plain arrays.
/// </summary>
public sealed class SharpnessAwareMinimizationTests
{
    private const int N = 24, D = 6;

    private static TensorDataset Data()
    {
        using var g = Seeding.TorchGenerator(5, Seeding.Stream.Data);
        return new TensorDataset(torch.randn(new long[] { N, D }, generator: g), torch.randn(new long[] { N, 1 }, generator: g));
    }

    // The NTK linear layer scales its inputs by 1/√D.
    private static (double[] X, double[] Y, double[] W) Arrays(TensorDataset data, Catapults.ML.Models.FullyConnectedNetwork net) => (
        data.Features.to_type(ScalarType.Float64).data<double>().Select(v => v / Math.Sqrt(D)).ToArray(),
        data.Targets.to_type(ScalarType.Float64).data<double>().ToArray(),
        net.parameters().Single().to_type(ScalarType.Float64).data<double>().ToArray());

    private static double[] Gradient(double[] x, double[] y, double[] w) => LeastSquares.Gradient(x, y, w).W;

    [TestCase(0.05)]
    [TestCase(0.5)]
    public void OneFullBatchStepMatchesTheClosedForm(double radius)
    {
        const double eta = 0.3;
        using var data = Data();
        using var net = Nets.Linear(D, bias: false, seed: 3);
        var (x, y, w) = Arrays(data, net);
        var g = Gradient(x, y, w);
        double norm = Math.Sqrt(g.Sum(v => v * v));
        var ascent = w.Select((v, j) => v + radius * g[j] / norm).ToArray();
        var gAscent = Gradient(x, y, ascent);
        var expected = w.Select((v, j) => v - eta * gAscent[j]).ToArray();
        var plain = w.Select((v, j) => v - eta * g[j]).ToArray();

        var result = Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = eta, MaxSteps = 1, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = radius },
        });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        var actual = net.parameters().Single().to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.That(actual, Is.EqualTo(expected).Within(1e-5), "w − η g(w + ρ g/‖g‖)");
        double shift = Math.Sqrt(expected.Zip(plain, (a, b) => (a - b) * (a - b)).Sum());
        Assert.That(shift, Is.GreaterThan(1e-3), "the ascent changes the step, so the check above can fail for plain SGD");
    }

    [Test]
    public void TheReportedLossIsTheLossAtTheUnperturbedWeights()
    {
        using var data = Data();
        using var net = Nets.Linear(D, bias: false, seed: 3);
        double before = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        var losses = new List<double>();
        Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = 0.1, MaxSteps = 1, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.5 },
        }, new[] { new Recorder(losses) });
        Assert.That(losses.Single(), Is.EqualTo(before).Within(1e-6));
    }

    [Test]
    public void SamConvergesToTheLeastSquaresMinimumOfAQuadratic()
    {
        // At the minimum g = 0: SAM's ascent vanishes, so its fixed point is the least-squares solution.
        using var data = Data();
        using var net = Nets.Linear(D, bias: false, seed: 3);
        var (x, y, _) = Arrays(data, net);
        Trainer.Train(net, data, new TrainingOptions
        {
            LearningRate = 0.5, MaxSteps = 4000, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.01 },
        });
        var w = net.parameters().Single().to_type(ScalarType.Float64).data<double>().ToArray();
        var g = Gradient(x, y, w);
        Assert.That(Math.Sqrt(g.Sum(v => v * v)), Is.LessThan(2e-3), "SAM oscillates within about ρ·λ_max of the minimum, no further");
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    public void ANonPositiveRadiusIsRefusedByName(double radius)
    {
        var options = new TrainingOptions { LearningRate = 0.1, MaxSteps = 1, OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = radius } };
        var ex = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.That(ex!.Message, Does.Contain("SharpnessAwareRadius"));
    }

    private sealed class Recorder(List<double> losses) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context) => losses.Add(record.BatchLoss);
    }
}
