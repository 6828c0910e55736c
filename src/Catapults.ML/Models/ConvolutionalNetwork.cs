using Catapults.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"Activation {(int)Activation} is not a defined value.", nameof(Activation));
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"Pooling {(int)Pooling} is not a defined value.", nameof(Pooling));
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

    /// <summary>Shape [C, H, W] of the last feature maps, which are flattened into the readout.</summary>
    public long[] FeatureShape()
    {
        long h = InputHeight, w = InputWidth;
        if (Pooling != PoolingKind.None)
            for (int i = 0; i < ChannelWidths.Length; i++) { h /= PoolingSize; w /= PoolingSize; }
        return new long[] { ChannelWidths[^1], h, w };
    }

    internal string Summary() =>
        $"CNN {ShapeText} → conv[{string.Join("-", ChannelWidths)}] k{KernelSize} → {OutputCount}, {Activation}, " +
        $"pool {(Pooling == PoolingKind.None ? "none" : $"{Pooling} {PoolingSize}")}, {Parameterization}, " +
        $"bias={(UseBias ? "on" : "off")}, output×{OutputMultiplier:G4}";
}

/// <summary>
/// A convolutional network f(x) = m · R(flatten(P(σ(C_L … P(σ(C_1 x)))))): size-preserving convolutions
/// (<see cref="ScaledConv2d"/>), each followed by the activation σ and the pooling P, then a linear readout R
/// (<see cref="ScaledLinear"/>) and the output multiplier m. Every output row depends on its own input row only.
/// </summary>
public sealed class ConvolutionalNetwork : ImageNetwork<ConvolutionalOptions>
{
    private readonly ModuleList<ScaledConv2d> convolutions;
    private readonly ScaledLinear readout;

    /// <summary>Builds and initialises the network from <paramref name="options"/>.</summary>
    public ConvolutionalNetwork(ConvolutionalOptions options) : base(nameof(ConvolutionalNetwork), options)
    {
        using var generator = Seeding.TorchGenerator(options.Seed, Seeding.Stream.Initialization);
        var list = new List<ScaledConv2d>();
        int inChannels = options.InputChannels;
        for (int i = 0; i < options.ChannelWidths.Length; i++)
        {
            list.Add(new ScaledConv2d($"conv{i}", inChannels, options.ChannelWidths[i], options.KernelSize, stride: 1,
                padding: options.KernelSize / 2, options.UseBias, options.Parameterization, generator));
            inChannels = options.ChannelWidths[i];
        }
        convolutions = nn.ModuleList(list.ToArray());
        var features = options.FeatureShape();
        long fanIn = features[0] * features[1] * features[2];
        if (fanIn > int.MaxValue) throw new ArgumentException($"The readout would have {fanIn} inputs; add pooling.", nameof(options));
        readout = new ScaledLinear("readout", (int)fanIn, options.OutputCount, options.UseBias, options.Parameterization, isReadout: true, generator);
        RegisterComponents();
    }

    /// <summary>The convolutions, input first.</summary>
    public IReadOnlyList<ScaledConv2d> Convolutions => convolutions.ToList();

    /// <summary>The linear readout on the flattened last feature maps.</summary>
    public ScaledLinear Readout => readout;

    /// <inheritdoc />
    public override string Describe() => Options.Summary();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var h = ReshapeInput(input);
        foreach (var conv in convolutions)
        {
            h = Activations.Apply(Options.Activation, conv.forward(h));
            h = Options.Pooling switch
            {
                PoolingKind.Average => nn.functional.avg_pool2d(h, Options.PoolingSize),
                PoolingKind.Max => nn.functional.max_pool2d(h, Options.PoolingSize),
                _ => h,
            };
        }
        h = readout.forward(h.flatten(1));
        if (Options.OutputMultiplier != 1.0) h = h * Options.OutputMultiplier;
        return h.MoveToOuterDisposeScope();
    }
}
