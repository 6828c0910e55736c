namespace Catapults.ML.Models;

/// <summary>
/// A network that declares its structure as a chain of dense layers, f(x) = m · L_D(σ(… σ(L_1 x))), with
/// <see cref="ScaledLinear"/> layers L_l, one elementwise nonlinearity σ between them and an output multiplier m.
/// Algorithms that exploit that structure (the layer-wise NTK) are chosen through this capability, not through the
/// network's type.
/// </summary>
public interface IDenseLayerChain
{
    /// <summary>The layers, input first; the last is the readout.</summary>
    IReadOnlyList<ScaledLinear> Layers { get; }

    /// <summary>The nonlinearity between layers.</summary>
    ActivationKind Activation { get; }

    /// <summary>The output multiplier m.</summary>
    double OutputMultiplier { get; }
}
