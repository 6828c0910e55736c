using Catapults.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Catapults.ML.Models;

/// <summary>
/// Options of a <see cref="WideResNet"/> WRN-<see cref="Depth"/>-<see cref="WidenFactor"/>. Default: WRN-16-4 with
/// GroupNorm, ReLU, <see cref="Parameterization.Standard"/>.
/// </summary>
public sealed class WideResNetOptions : ImageNetworkOptions
{
    /// <summary>Creates options with the defaults (WRN-16-4, GroupNorm with 8 groups, standard parameterisation).</summary>
    public WideResNetOptions() => Parameterization = Parameterization.Standard;

    /// <summary>
    /// Depth d: the number of convolutions and the readout on the main path, d = 6n + 4 for n residual blocks per
    /// stage (10, 16, 22, 28, …); default 16.
    /// </summary>
    public int Depth { get; set; } = 16;

    /// <summary>Widening factor k: the three stages have 16k, 32k and 64k channels (with <see cref="BaseWidth"/> 16); default 4.</summary>
    public int WidenFactor { get; set; } = 4;

    /// <summary>Channels of the stem convolution and the unit of the stage widths; default 16 (the original WRN).</summary>
    public int BaseWidth { get; set; } = 16;

    /// <summary>
    /// Normalisation before each activation; default <see cref="NormalizationKind.GroupNorm"/>. Batch normalisation is
    /// not offered: in training mode it mixes the samples of a batch, which breaks per-sample NTK and AGOP (see
    /// <see cref="NormalizationKind"/>).
    /// </summary>
    public NormalizationKind Normalization { get; set; } = NormalizationKind.GroupNorm;

    /// <summary>Groups of <see cref="NormalizationKind.GroupNorm"/>; must divide <see cref="BaseWidth"/>; default 8.</summary>
    public int GroupCount { get; set; } = 8;

    /// <summary>Nonlinearity; default <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Relu;

    /// <summary>Whether the convolutions have biases; default false (as in the original WRN). The readout always has one.</summary>
    public bool UseConvolutionBias { get; set; }

    /// <summary>Residual blocks per stage, n = (d − 4) / 6.</summary>
    public int BlocksPerStage => (Depth - 4) / 6;

    /// <summary>Channels of the three stages: BaseWidth·k·{1, 2, 4}.</summary>
    public int[] StageWidths => new[] { BaseWidth * WidenFactor, 2 * BaseWidth * WidenFactor, 4 * BaseWidth * WidenFactor };

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Depth < 10 || (Depth - 4) % 6 != 0)
            throw new ArgumentException($"Depth must be 6n + 4 with n ≥ 1 (10, 16, 22, 28, …), got {Depth}.", nameof(Depth));
        if (WidenFactor < 1) throw new ArgumentException($"WidenFactor must be at least 1, got {WidenFactor}.", nameof(WidenFactor));
        if (BaseWidth < 1) throw new ArgumentException($"BaseWidth must be at least 1, got {BaseWidth}.", nameof(BaseWidth));
        if ((long)4 * BaseWidth * WidenFactor > 1 << 20)
            throw new ArgumentException($"BaseWidth·WidenFactor = {BaseWidth * (long)WidenFactor} is unreasonably large.", nameof(WidenFactor));
        if (!Enum.IsDefined(Normalization)) throw new ArgumentException($"Normalization {(int)Normalization} is not a defined value.", nameof(Normalization));
        if (Normalization == NormalizationKind.GroupNorm && (GroupCount < 1 || BaseWidth % GroupCount != 0))
            throw new ArgumentException(
                $"GroupCount must be positive and divide BaseWidth {BaseWidth} (and so every stage width), got {GroupCount}.", nameof(GroupCount));
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"Activation {(int)Activation} is not a defined value.", nameof(Activation));
    }

    internal string NormalizationText => Normalization switch
    {
        NormalizationKind.GroupNorm => $"GroupNorm({GroupCount})",
        var other => other.ToString(),
    };

    internal string Summary() =>
        $"WRN-{Depth}-{WidenFactor} {ShapeText} → {OutputCount}, stages [{string.Join("-", StageWidths)}]×{BlocksPerStage}, " +
        $"{NormalizationText}, {Activation}, {Parameterization}, output×{OutputMultiplier:G4}";

    /// <summary>A per-sample normalisation over <paramref name="channels"/> channels, or null for none.</summary>
    internal GroupNormalization? CreateNormalization(string name, int channels) => Normalization switch
    {
        NormalizationKind.GroupNorm => new GroupNormalization(name, channels, GroupCount),
        NormalizationKind.LayerNorm => new GroupNormalization(name, channels, 1),
        _ => null,
    };
}

/// <summary>
/// A pre-activation residual block of a <see cref="WideResNet"/>: y = C₂(σ(N₂(C₁(σ(N₁ x))))) + s(x), where the
/// shortcut s is the identity or, when the width or the stride changes, a 1×1 convolution of σ(N₁ x).
/// </summary>
public sealed class WideResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNormalization? norm1;
    private readonly ScaledConv2d conv1;
    private readonly GroupNormalization? norm2;
    private readonly ScaledConv2d conv2;
    private readonly ScaledConv2d? shortcut;
    private readonly ActivationKind activation;

    internal WideResNetBlock(string name, int inChannels, int outChannels, int stride, WideResNetOptions options, torch.Generator generator)
        : base(name)
    {
        activation = options.Activation;
        norm1 = options.CreateNormalization("norm1", inChannels);
        conv1 = new ScaledConv2d("conv1", inChannels, outChannels, 3, stride, 1, options.UseConvolutionBias, options.Parameterization, generator);
        norm2 = options.CreateNormalization("norm2", outChannels);
        conv2 = new ScaledConv2d("conv2", outChannels, outChannels, 3, 1, 1, options.UseConvolutionBias, options.Parameterization, generator);
        if (inChannels != outChannels || stride != 1)
            shortcut = new ScaledConv2d("shortcut", inChannels, outChannels, 1, stride, 0, options.UseConvolutionBias, options.Parameterization, generator);
        RegisterComponents();
    }

    /// <summary>The first 3×3 convolution (carries the block's stride).</summary>
    public ScaledConv2d Convolution1 => conv1;

    /// <summary>The second 3×3 convolution.</summary>
    public ScaledConv2d Convolution2 => conv2;

    /// <summary>The 1×1 projection shortcut, or null when the shortcut is the identity.</summary>
    public ScaledConv2d? Shortcut => shortcut;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var pre = Activations.Apply(activation, norm1 is null ? x : norm1.forward(x));
        var h = conv1.forward(pre);
        h = Activations.Apply(activation, norm2 is null ? h : norm2.forward(h));
        h = conv2.forward(h);
        return (h + (shortcut is null ? x : shortcut.forward(pre))).MoveToOuterDisposeScope();
    }
}

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
        if (Options.OutputMultiplier != 1.0) h = h * Options.OutputMultiplier;
        return h.MoveToOuterDisposeScope();
    }
}
