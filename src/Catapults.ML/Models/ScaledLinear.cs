using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A linear layer y = s·(x Wᵀ) + b whose forward multiplier s carries the parameterisation: s = 1 for
/// <see cref="Parameterization.Standard"/>, 1/√fan_in for NTK layers and 1/fan_in for a mean-field readout.
/// </summary>
public sealed class ScaledLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>Creates the layer and initialises it from <paramref name="generator"/>.</summary>
    public ScaledLinear(string name, int inFeatures, int outFeatures, bool useBias, Parameterization parameterization,
        bool isReadout, torch.Generator generator) : base(name)
    {
        if (inFeatures < 1) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "fan_in must be positive.");
        if (outFeatures < 1) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "fan_out must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Parameterization = parameterization;
        (weight, bias) = ScaledInitialization.Draw(new long[] { outFeatures, inFeatures }, inFeatures, useBias, parameterization, generator);
        WeightScale = ScaledInitialization.WeightScale(parameterization, inFeatures, isReadout);
        RegisterComponents();
    }

    /// <summary>Input width (fan_in).</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>The parameterisation the layer was built with.</summary>
    public Parameterization Parameterization { get; }

    /// <summary>Forward multiplier s of x Wᵀ.</summary>
    public double WeightScale { get; }

    /// <summary>The weight matrix W, [out, in].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias b, [out], or null when the layer has none.</summary>
    public Parameter? Bias => bias;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var z = nn.functional.linear(x, weight);
        var scaled = WeightScale == 1.0 ? z.alias() : KeptScalars.Times(z, WeightScale);
        if (bias is null) return scaled;
        using (scaled) return KeptScalars.Plus(scaled, bias);
    }
}
