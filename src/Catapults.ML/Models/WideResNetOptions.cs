using System.Globalization;
using Catapults.ML.Runtime;

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
        OptionChecks.RequireDefined(Normalization, nameof(Normalization), nameof(Normalization));
        if (Normalization == NormalizationKind.GroupNorm && (GroupCount < 1 || BaseWidth % GroupCount != 0))
            throw new ArgumentException(
                $"GroupCount must be positive and divide BaseWidth {BaseWidth} (and so every stage width), got {GroupCount}.", nameof(GroupCount));
        OptionChecks.RequireDefined(Activation, nameof(Activation), nameof(Activation));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The stem, then per block two 3×3 convolutions, a 1×1 shortcut where the width changes, biases and norms, and the
    /// final norm and the readout; per sample a block keeps about eight maps of its width at its stage's resolution
    /// (halved per stage after the first).
    /// </remarks>
    internal override (double Parameters, double ActivationsPerSample) SizeBound()
    {
        double inChannels = BaseWidth, pixels = (double)InputHeight * InputWidth;
        double parameters = 9.0 * InputChannels * BaseWidth + BaseWidth, activations = 3 * BaseWidth * pixels;
        var widths = StageWidths;
        for (int stage = 0; stage < widths.Length; stage++)
        {
            double w = widths[stage];
            if (stage > 0) pixels = Math.Ceiling(pixels / 4);
            for (int b = 0; b < BlocksPerStage; b++)
            {
                parameters += 9 * inChannels * w + 9 * w * w + inChannels * w + 2 * inChannels + 6 * w;
                activations += 8 * w * pixels + 2 * inChannels * pixels;
                inChannels = w;
            }
        }
        return (parameters + 2 * inChannels + (inChannels + 1) * OutputCount, activations);
    }

    internal string NormalizationText => Normalization switch
    {
        NormalizationKind.GroupNorm => $"GroupNorm({GroupCount})",
        var other => other.ToString(),
    };

    internal string Summary() =>
        string.Create(CultureInfo.InvariantCulture,
        $"WRN-{Depth}-{WidenFactor} {ShapeText} → {OutputCount}, stages [{string.Join("-", StageWidths)}]×{BlocksPerStage}, " +
        $"{NormalizationText}, {Activation}, {Parameterization}, output×{OutputMultiplier:G4}");

    /// <summary>A per-sample normalisation over <paramref name="channels"/> channels, or null for none.</summary>
    internal GroupNormalization? CreateNormalization(string name, int channels) => Normalization switch
    {
        NormalizationKind.GroupNorm => new GroupNormalization(name, channels, GroupCount),
        NormalizationKind.LayerNorm => new GroupNormalization(name, channels, 1),
        _ => null,
    };
}
