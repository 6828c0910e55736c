using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A Wide ResNet WRN-d-k (Zagoruyko and Komodakis, 2016) for small images: a 3×3 stem convolution, three stages of
/// (d − 4)/6 pre-activation residual blocks with 16k, 32k and 64k channels (the second and third stages halve the
/// resolution), a final normalisation and activation, global average pooling, a linear readout and the output
/// multiplier.
/// </summary>
/// <remarks>
/// Normalisation is per sample (<see cref="NormalizationKind"/>), never batch normalisation in training mode, so
/// f(xᵢ) and its Jacobian depend on xᵢ alone whatever else is in the batch, and train and eval modes compute the same
/// function. Per-sample NTK columns, per-batch critical learning rates and input AGOPs are therefore well defined.
/// </remarks>
public sealed class WideResNet : ImageNetwork<WideResNetOptions>
{
    private readonly ScaledConv2d stem;
    private readonly ModuleList<WideResNetBlock> blocks;
    private readonly GroupNormalization? norm;
    private readonly ScaledLinear readout;

    /// <summary>Builds and initialises the network from <paramref name="options"/>.</summary>
    public WideResNet(WideResNetOptions options) : base(nameof(WideResNet), options)
    {
        using var generator = Seeding.TorchGenerator(options.Seed, Seeding.Stream.Initialization);
        stem = new ScaledConv2d("stem", options.InputChannels, options.BaseWidth, 3, 1, 1, options.UseConvolutionBias, options.Parameterization, generator);
        var list = new List<WideResNetBlock>();
        int channels = options.BaseWidth;
        var widths = options.StageWidths;
        for (int stage = 0; stage < widths.Length; stage++)
        {
            for (int b = 0; b < options.BlocksPerStage; b++)
            {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                list.Add(new WideResNetBlock($"stage{stage}block{b}", channels, widths[stage], stride, options, generator));
                channels = widths[stage];
            }
        }
        blocks = nn.ModuleList(list.ToArray());
        norm = options.CreateNormalization("norm", channels);
        readout = new ScaledLinear("readout", channels, options.OutputCount, useBias: true, options.Parameterization, isReadout: true, generator);
        RegisterComponents();
    }

    /// <summary>The stem convolution.</summary>
    public ScaledConv2d Stem => stem;

    /// <summary>The residual blocks, stage by stage.</summary>
    public IReadOnlyList<WideResNetBlock> Blocks => blocks.ToList();

    /// <summary>The linear readout on the globally pooled features.</summary>
    public ScaledLinear Readout => readout;

    /// <inheritdoc />
    public override string Describe() => Options.Summary();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var h = stem.forward(ReshapeInput(input));
        foreach (var block in blocks) h = block.forward(h);
        h = Activations.Apply(Options.Activation, norm is null ? h : norm.forward(h));
        h = readout.forward(h.mean(new long[] { 2, 3 }));
        if (Options.OutputMultiplier != 1.0) h = KeptScalars.Times(h, Options.OutputMultiplier);
        return h.MoveToOuterDisposeScope();
    }
}
