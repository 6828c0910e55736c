using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// σ' and σ'' against autograd where the neighbouring test does not look: at exactly 0, where ReLU's slope is a
/// convention (autograd, and the ensemble's sign(h), take 0; a pre-activation is exactly 0 whenever a bias-free layer
/// sees a zero input), and σ'' of the smooth activations, which the Hessian's second-order term uses. Found by mutation
/// testing (round 9B).
/// </summary>
public sealed class ActivationSlopeTests
{
    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Gelu)]
    [TestCase(ActivationKind.Identity)]
    public void TheSlopeAtExactlyZeroIsAutogradsSlope(ActivationKind kind)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { -1.5, -0.0, 0.0, 2.0 }, ScalarType.Float64).requires_grad_();
        var grad = torch.autograd.grad(new[] { Activations.Apply(kind, x).sum() }, new[] { x })[0];
        TensorAssert.AllClose(Activations.Derivative(kind, x.detach()), grad, 1e-12, 1e-12, kind.ToString());
    }

    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Gelu)]
    public void TheSecondDerivativeIsAutogradsDerivativeOfTheSlope(ActivationKind kind)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.linspace(-3, 3, 25, dtype: ScalarType.Float64).requires_grad_();
        var slope = torch.autograd.grad(new[] { Activations.Apply(kind, x).sum() }, new[] { x }, retain_graph: true, create_graph: true)[0];
        var curvature = torch.autograd.grad(new[] { slope.sum() }, new[] { x })[0];
        var second = Activations.SecondDerivative(kind, x.detach());
        Assert.That(second, Is.Not.Null);
        TensorAssert.AllClose(second!, curvature, 1e-9, 1e-9, kind.ToString());
    }

    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Identity)]
    public void PiecewiseLinearActivationsHaveNoSecondOrderTerm(ActivationKind kind)
    {
        using var scope = torch.NewDisposeScope();
        Assert.That(Activations.SecondDerivative(kind, torch.ones(3)), Is.Null);
    }
}
