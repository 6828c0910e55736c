using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A 2-D convolution y = s·(W ⋆ x) + b whose forward multiplier s carries the parameterisation, like
/// <see cref="ScaledLinear"/>: s = 1 for <see cref="Parameterization.Standard"/> (weights and biases drawn as PyTorch's
/// <c>Conv2d</c> does, U(−1/√fan_in, 1/√fan_in)) and s = 1/√fan_in otherwise (weights N(0, 1), biases 0), with
/// fan_in = C_in·k·k. A convolution is never a readout, so <see cref="Parameterization.MeanField"/> scales it as NTK.
/// </summary>
public sealed class ScaledConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>Creates the layer and initialises it from <paramref name="generator"/>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="inChannels">Input channels C_in.</param>
    /// <param name="outChannels">Output channels C_out.</param>
    /// <param name="kernelSize">Square kernel side k.</param>
    /// <param name="stride">Stride in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="useBias">Whether the layer has a per-channel bias.</param>
    /// <param name="parameterization">How weights are drawn and scaled.</param>
    /// <param name="generator">The initialisation stream; draws are taken in a fixed order (weight, then bias).</param>
    public ScaledConv2d(string name, int inChannels, int outChannels, int kernelSize, int stride, int padding, bool useBias,
        Parameterization parameterization, torch.Generator generator) : base(name)
    {
        if (inChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Input channels must be positive.");
        if (outChannels < 1) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Output channels must be positive.");
        if (kernelSize < 1) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "The kernel size must be positive.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be positive.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "The padding must not be negative.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Parameterization = parameterization;
        FanIn = (long)inChannels * kernelSize * kernelSize;
        (weight, bias) = ScaledInitialization.Draw(new long[] { outChannels, inChannels, kernelSize, kernelSize }, FanIn, useBias,
            parameterization, generator);
        WeightScale = ScaledInitialization.WeightScale(parameterization, FanIn, isReadout: false);
        RegisterComponents();
    }

    /// <summary>Input channels C_in.</summary>
    public int InChannels { get; }

    /// <summary>Output channels C_out.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel side k.</summary>
    public int KernelSize { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>fan_in = C_in·k·k.</summary>
    public long FanIn { get; }

    /// <summary>The parameterisation the layer was built with.</summary>
    public Parameterization Parameterization { get; }

    /// <summary>Forward multiplier s of W ⋆ x.</summary>
    public double WeightScale { get; }

    /// <summary>The kernel W, [C_out, C_in, k, k].</summary>
    public Parameter Weight => weight;

    /// <summary>The bias b, [C_out], or null when the layer has none.</summary>
    public Parameter? Bias => bias;

    /// <summary>Spatial output size for an input side of <paramref name="inputSize"/> pixels.</summary>
    public long OutputSize(long inputSize) => (inputSize + 2L * Padding - KernelSize) / Stride + 1;

    /// <summary>Convolves a batch [n, C_in, H, W] into [n, C_out, H', W'].</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != InChannels)
            throw new ArgumentException(
                $"{GetName()} expects input [n, {InChannels}, H, W], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.shape[2] + 2L * Padding < KernelSize || x.shape[3] + 2L * Padding < KernelSize)
            throw new ArgumentException(
                $"{GetName()}: a {KernelSize}×{KernelSize} kernel does not fit an input of {x.shape[2]}×{x.shape[3]} with padding {Padding}.", nameof(x));
        using var z = nn.functional.conv2d(x, weight, null, new long[] { Stride, Stride }, new long[] { Padding, Padding });
        var scaled = WeightScale == 1.0 ? z.alias() : KeptScalars.Times(z, WeightScale);
        if (bias is null) return scaled;
        using (scaled)
        using (var b = bias.view(1, OutChannels, 1, 1))
            return KeptScalars.Plus(scaled, b);
    }
}
