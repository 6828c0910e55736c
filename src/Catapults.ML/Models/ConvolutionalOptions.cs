using System.Globalization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>Options of a <see cref="ConvolutionalNetwork"/>. Default parameterisation: <see cref="Parameterization.Ntk"/>.</summary>
public sealed class ConvolutionalOptions : ImageNetworkOptions
{
    /// <summary>Creates options with the defaults: a 5-layer CNN (four convolutions of 64 channels and a linear readout).</summary>
    public ConvolutionalOptions() => Parameterization = Parameterization.Ntk;

    /// <summary>Output channels of each convolution, input first; default four layers of 64 (with the readout, 5 layers).</summary>
    public int[] ChannelWidths { get; set; } = Enumerable.Repeat(ModelFactory.DefaultConvolutionalWidth, ModelFactory.DefaultConvolutionalDepth - 1).ToArray();

    /// <inheritdoc />
    protected internal override ImageNetworkOptions Snapshot()
    {
        var copy = (ConvolutionalOptions)base.Snapshot();
        copy.ChannelWidths = (int[])ChannelWidths.Clone();
        return copy;
    }

    /// <summary>Square kernel side k, odd so that zero padding of (k−1)/2 keeps the spatial size; default 3.</summary>
    public int KernelSize { get; set; } = 3;

    /// <summary>Nonlinearity after each convolution; default <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Relu;

    /// <summary>Pooling after each convolution's activation; default <see cref="PoolingKind.Average"/>.</summary>
    public PoolingKind Pooling { get; set; } = PoolingKind.Average;

    /// <summary>Side (and stride) of the pooling window; default 2, which halves the feature maps at every layer.</summary>
    public int PoolingSize { get; set; } = 2;

    /// <summary>Whether convolutions and the readout have biases; default true.</summary>
    public bool UseBias { get; set; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (ChannelWidths is null || ChannelWidths.Length == 0)
            throw new ArgumentException("ChannelWidths must list at least one convolution.", nameof(ChannelWidths));
        for (int i = 0; i < ChannelWidths.Length; i++)
            if (ChannelWidths[i] < 1) throw new ArgumentException($"ChannelWidths[{i}] must be at least 1, got {ChannelWidths[i]}.", nameof(ChannelWidths));
        if (KernelSize < 1 || KernelSize % 2 == 0)
            throw new ArgumentException($"KernelSize must be odd and positive (so padding keeps the size), got {KernelSize}.", nameof(KernelSize));
        OptionChecks.RequireDefined(Activation, nameof(Activation), nameof(Activation));
        OptionChecks.RequireDefined(Pooling, nameof(Pooling), nameof(Pooling));
        if (Pooling != PoolingKind.None)
        {
            if (PoolingSize < 1) throw new ArgumentException($"PoolingSize must be at least 1, got {PoolingSize}.", nameof(PoolingSize));
            long h = InputHeight, w = InputWidth;
            for (int i = 0; i < ChannelWidths.Length; i++)
            {
                h /= PoolingSize;
                w /= PoolingSize;
                if (h < 1 || w < 1)
                    throw new ArgumentException(
                        $"PoolingSize {PoolingSize} after each of the {ChannelWidths.Length} convolutions shrinks a {InputHeight}×{InputWidth} " +
                        $"input to nothing at convolution {i}; use fewer ChannelWidths, a smaller PoolingSize, larger inputs or PoolingKind.None.",
                        nameof(PoolingSize));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each convolution keeps its output before and after σ at its input's resolution (padding keeps the size), and
    /// the pooled map; the next convolution sees the pooled resolution (a review found the bound 7.5 times a cnn-5's
    /// real cost while it counted every map at the input's size).
    /// </remarks>
    internal override (double Parameters, double ActivationsPerSample) SizeBound()
    {
        double parameters = 0, activations = 0, inChannels = InputChannels, pixels = (double)InputHeight * InputWidth;
        double shrink = Pooling == PoolingKind.None ? 1 : PoolingSize * (double)PoolingSize;
        foreach (double c in ChannelWidths)
        {
            parameters += (KernelSize * (double)KernelSize * inChannels + 1) * c;
            activations += (2 + 1 / shrink) * c * pixels;
            pixels = Math.Max(1, Math.Floor(pixels / shrink));
            inChannels = c;
        }
        var features = FeatureShape();
        return (parameters + ((double)features[0] * features[1] * features[2] + 1) * OutputCount, activations);
    }

    /// <summary>Shape [C, H, W] of the last feature maps, which are flattened into the readout.</summary>
    public long[] FeatureShape()
    {
        long h = InputHeight, w = InputWidth;
        if (Pooling != PoolingKind.None)
            for (int i = 0; i < ChannelWidths.Length; i++) { h /= PoolingSize; w /= PoolingSize; }
        return new long[] { ChannelWidths[^1], h, w };
    }

    internal string Summary() =>
        string.Create(CultureInfo.InvariantCulture,
        $"CNN {ShapeText} → conv[{string.Join("-", ChannelWidths)}] k{KernelSize} → {OutputCount}, {Activation}, " +
        $"pool {(Pooling == PoolingKind.None ? "none" : $"{Pooling} {PoolingSize}")}, {Parameterization}, " +
        $"bias={(UseBias ? "on" : "off")}, output×{OutputMultiplier:G4}");
}
