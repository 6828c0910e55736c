using Catapults.ML.Runtime;
using Catapults.ML.Training;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Each optimiser <see cref="Optimizers.Create"/> builds takes the steps of its published recurrence (PyTorch's, which
/// TorchSharp follows), written out here by hand on one float64 weight with the gradients 1, −2, 0.5 of L = g·w.
/// Found by mutation testing (5 Dec 2026): Adam with β₁ and β₂ swapped passed every test, since its first step is
/// lr·sign(g) for any β and its later steps still lower a loss.
/// </summary>
public sealed class OptimizerRecurrenceTests
{
    private static readonly double[] Gradients = { 1.0, -2.0, 0.5 };
    private const double Rate = 0.1, Start = 1.0, Decay = 0.05;

    [Test]
    public void AdamFollowsItsBiasCorrectedMoments()
    {
        var options = new OptimizerOptions { Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-3, WeightDecay = Decay };
        double w = Start, m = 0, v = 0;
        var expected = Gradients.Select((g, i) =>
        {
            int t = i + 1;
            g += Decay * w;
            m = 0.8 * m + 0.2 * g;
            v = 0.95 * v + 0.05 * g * g;
            return w -= Rate * (m / (1 - Math.Pow(0.8, t))) / (Math.Sqrt(v / (1 - Math.Pow(0.95, t))) + 1e-3);
        }).ToArray();
        Assert.That(Steps(OptimizerKind.Adam, options), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void RmsPropFollowsItsRunningMeanOfSquares()
    {
        var options = new OptimizerOptions { RmsPropAlpha = 0.7, Epsilon = 1e-3, WeightDecay = Decay };
        double w = Start, v = 0;
        var expected = Gradients.Select(g =>
        {
            g += Decay * w;
            v = 0.7 * v + 0.3 * g * g;
            return w -= Rate * g / (Math.Sqrt(v) + 1e-3);
        }).ToArray();
        Assert.That(Steps(OptimizerKind.RmsProp, options), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void AdagradFollowsItsSumOfSquares()
    {
        var options = new OptimizerOptions { Epsilon = 1e-3, WeightDecay = Decay };
        double w = Start, sum = 0;
        var expected = Gradients.Select(g =>
        {
            g += Decay * w;
            sum += g * g;
            return w -= Rate * g / (Math.Sqrt(sum) + 1e-3);
        }).ToArray();
        Assert.That(Steps(OptimizerKind.Adagrad, options), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void MomentumStartsItsBufferAtTheFirstGradient()
    {
        var options = new OptimizerOptions { Momentum = 0.6, WeightDecay = Decay };
        double w = Start;
        double? buffer = null;
        var expected = Gradients.Select(g =>
        {
            g += Decay * w;
            buffer = buffer is double b ? 0.6 * b + g : g;
            return w -= Rate * buffer.Value;
        }).ToArray();
        Assert.That(Steps(OptimizerKind.Momentum, options), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(OptimizerKind.Adagrad, null, 1e-10)]
    [TestCase(OptimizerKind.Adagrad, 1e-8, 1e-8)]
    [TestCase(OptimizerKind.Adagrad, 1e-10, 1e-10)]
    [TestCase(OptimizerKind.Adam, null, 1e-8)]
    [TestCase(OptimizerKind.Adam, 1e-10, 1e-10)]
    [TestCase(OptimizerKind.RmsProp, null, 1e-8)]
    public void EachOptimiserTakesTheEpsilonItIsGivenOrPyTorchsDefaultForIt(OptimizerKind kind, double? epsilon, double expected)
    {
        // A gradient of 1e-9, comparable to ε, so that the first step η·g/(√v̂ + ε) shows which ε was used. Until
        // 6 Dec 2026 Adagrad replaced an ε of exactly 1e-8, set on purpose or not, by PyTorch's 1e-10.
        const double g = 1e-9;
        double root = kind == OptimizerKind.RmsProp ? Math.Sqrt(1 - 0.99) * g : g;
        double step = Steps(kind, new OptimizerOptions { Epsilon = epsilon }, gradientScale: g)[0];
        Assert.That(step, Is.EqualTo(Start - Rate * g / (root + expected)).Within(1e-12));
    }

    // The weight after each step of kind on L = g_t·w, with the gradients g_t times gradientScale.
    private static double[] Steps(OptimizerKind kind, OptimizerOptions options, double gradientScale = 1)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var weight = new Parameter(tensor(new[] { Start }));
        using var optimizer = Optimizers.Create(kind, new[] { weight }, Rate, options);
        var after = new double[Gradients.Length];
        for (int t = 0; t < Gradients.Length; t++)
        {
            optimizer.zero_grad();
            (weight * (Gradients[t] * gradientScale)).sum().backward();
            optimizer.step();
            after[t] = weight.ToDouble();
        }
        return after;
    }
}
