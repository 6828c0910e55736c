using Catapults.ML.Runtime;
using Catapults.ML.Models;

namespace Catapults.ML.Spectra;

/// <summary>
/// The forward sweep that the hand-written products of a dense layer chain start from
/// (<see cref="DenseChainLinearisation"/>, <see cref="DenseChainHessian"/>): each layer's scaled input s_l·h_l and
/// σ'(z_l), with σ''(z_l) on request. Each pre-activation becomes, in place, the next layer's input: every [n, width]
/// temporary is a fresh allocation whose first touch costs page faults, so the sweep allocates as few as it can.
/// </summary>
internal static class DenseChainForward
{
    /// <summary>
    /// Fills <paramref name="scaledInputs"/> [depth], <paramref name="slopes"/> [depth − 1] and, when given,
    /// <paramref name="secondDerivatives"/> [depth − 1] for inputs <paramref name="x"/> [n, d] in the weights' dtype;
    /// returns the readout's pre-activation z_L when <paramref name="withReadout"/>, else null. The tensors belong to
    /// the caller's dispose scope; none of them is <paramref name="x"/> itself.
    /// </summary>
    public static Tensor? Run(IReadOnlyList<ScaledLinear> layers, ActivationKind activation, Tensor x, Tensor[] scaledInputs,
        Tensor[] slopes, Tensor?[]? secondDerivatives, bool withReadout)
    {
        int depth = layers.Count;
        var h = x;
        for (int l = 0; l + 1 < depth; l++)
        {
            scaledInputs[l] = Scaled(h, x, layers[l].WeightScale);
            var z = PreActivation(layers[l], scaledInputs[l]);
            slopes[l] = Activations.Derivative(activation, z);
            if (secondDerivatives is not null) secondDerivatives[l] = Activations.SecondDerivative(activation, z);
            h = Activations.ApplyInPlace(activation, z);
        }
        scaledInputs[depth - 1] = Scaled(h, x, layers[depth - 1].WeightScale);
        return withReadout ? PreActivation(layers[depth - 1], scaledInputs[depth - 1]) : null;
    }

    private static Tensor PreActivation(ScaledLinear layer, Tensor scaledInput) =>
        layer.Bias is null
            ? torch.mm(scaledInput, layer.Weight.t())
            : torch.addmm(layer.Bias.unsqueeze(0), scaledInput, layer.Weight.t(), beta: 1, alpha: 1);

    // s·h, in place when h is an activation the sweep owns (never the caller's inputs, which get an alias or a copy).
    private static Tensor Scaled(Tensor h, Tensor inputs, double scale) =>
        scale == 1.0 ? (ReferenceEquals(h, inputs) ? h.alias() : h) : ReferenceEquals(h, inputs) ? KeptScalars.Times(h, scale) : KeptScalars.TimesInPlace(h, scale);
}
