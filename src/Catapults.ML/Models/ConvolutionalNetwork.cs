using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

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
        if (Options.OutputMultiplier != 1.0) h = KeptScalars.Times(h, Options.OutputMultiplier);
        return h.MoveToOuterDisposeScope();
    }
}
