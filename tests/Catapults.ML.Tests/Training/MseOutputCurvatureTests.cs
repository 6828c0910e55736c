using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="Losses.MseOutputCurvature"/> is documented as the factor c with ∂²L/∂f² = c·I for the MSE of
/// <see cref="Losses.Compute"/> over a batch of b outputs (c = 2/b), the link η_crit = 2 / (c λ_max(K)). Pinned against
/// the Hessian that autograd computes from the loss itself, so the constant and the loss's normalisation cannot drift
/// apart. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class MseOutputCurvatureTests
{
    [TestCase(1)]
    [TestCase(4)]
    [TestCase(7)]
    public void CurvatureIsTheSecondDerivativeOfTheMseInEachOutput(int b)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(11);
        var f = torch.randn(new long[] { b, 1 }, dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var y = torch.randn(new long[] { b, 1 }, generator: generator);

        var loss = Losses.Compute(LossKind.MeanSquaredError, f, y);
        var gradient = torch.autograd.grad(new[] { loss }, new[] { f }, create_graph: true)[0];
        double c = Losses.MseOutputCurvature(b);
        for (int i = 0; i < b; i++)
        {
            // Row i of the Hessian: the gradient of ∂L/∂fᵢ; it must be c on the diagonal and 0 elsewhere.
            var row = torch.autograd.grad(new[] { gradient[i, 0] }, new[] { f }, retain_graph: true)[0].reshape(b);
            for (int j = 0; j < b; j++)
                Assert.That(row[j].ToDouble(), Is.EqualTo(i == j ? c : 0.0).Within(1e-12), $"∂²L/∂f{i}∂f{j}");
        }
        Assert.That(c, Is.EqualTo(2.0 / b).Within(1e-15), "c = 2/b");
    }
}
