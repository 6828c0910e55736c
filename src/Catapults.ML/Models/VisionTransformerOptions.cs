using System.Globalization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// Options of a <see cref="VisionTransformer"/>. Default: "ViT-4", four blocks of width 128 with 4 heads and MLP
/// width 256 on 4×4 patches of 32×32 images (64 patch tokens and a class token), GELU,
/// <see cref="Parameterization.Standard"/>; small enough to train on a CPU.
/// </summary>
public sealed class VisionTransformerOptions : ImageNetworkOptions
{
    /// <summary>Creates options with the ViT-4 defaults.</summary>
    public VisionTransformerOptions() => Parameterization = Parameterization.Standard;

    /// <summary>Side p of the square patches; must divide the input's height and width; default 4.</summary>
    public int PatchSize { get; set; } = 4;

    /// <summary>Token width D; default 128.</summary>
    public int Width { get; set; } = 128;

    /// <summary>Number of transformer blocks; default 4.</summary>
    public int Depth { get; set; } = 4;

    /// <summary>Attention heads per block; must divide <see cref="Width"/>; default 4.</summary>
    public int HeadCount { get; set; } = 4;

    /// <summary>Hidden width of each block's MLP as a multiple of <see cref="Width"/>; default 2.</summary>
    public int MlpRatio { get; set; } = 2;

    /// <summary>How tokens are reduced before the readout; default <see cref="TokenPooling.ClassToken"/>.</summary>
    public TokenPooling Pooling { get; set; } = TokenPooling.ClassToken;

    /// <summary>Nonlinearity of the MLPs; default <see cref="ActivationKind.Gelu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Gelu;

    /// <summary>Whether blocks and the final stage use LayerNorm (per token, so per sample); default true.</summary>
    public bool UseLayerNorm { get; set; } = true;

    /// <summary>Whether the linear layers have biases; default true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Number of patch tokens, (H/p)·(W/p).</summary>
    public int PatchCount => InputHeight / PatchSize * (InputWidth / PatchSize);

    /// <summary>Number of tokens the blocks see: the patches, plus one for the class token.</summary>
    public int TokenCount => PatchCount + (Pooling == TokenPooling.ClassToken ? 1 : 0);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (PatchSize < 1 || InputHeight % PatchSize != 0 || InputWidth % PatchSize != 0)
            throw new ArgumentException(
                $"PatchSize must be positive and divide the input's height {InputHeight} and width {InputWidth}, got {PatchSize}.", nameof(PatchSize));
        if (Width < 1) throw new ArgumentException($"Width must be at least 1, got {Width}.", nameof(Width));
        if (Depth < 1) throw new ArgumentException($"Depth must be at least 1, got {Depth}.", nameof(Depth));
        if (HeadCount < 1 || Width % HeadCount != 0)
            throw new ArgumentException($"HeadCount must be positive and divide Width {Width}, got {HeadCount}.", nameof(HeadCount));
        if (MlpRatio < 1) throw new ArgumentException($"MlpRatio must be at least 1, got {MlpRatio}.", nameof(MlpRatio));
        OptionChecks.RequireDefined(Pooling, nameof(Pooling), nameof(Pooling));
        OptionChecks.RequireDefined(Activation, nameof(Activation), nameof(Activation));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per block: the attention's D → 3D and D → D maps, the MLP's D → m → D, biases and layer norms; per sample the
    /// block keeps about a dozen T × D tensors, two T × m and three attention maps of T × T per head.
    /// </remarks>
    internal override (double Parameters, double ActivationsPerSample) SizeBound()
    {
        double d = Width, m = (double)MlpRatio * Width, t = TokenCount;
        double block = 4 * d * d + 2 * d * m + m + 10 * d;
        double parameters = ((double)InputChannels * PatchSize * PatchSize + 1) * d + (t + 1) * d + Depth * block + (d + 1) * OutputCount;
        double activations = t * (double)InputChannels * PatchSize * PatchSize + Depth * (12 * t * d + 2 * t * m + 3 * HeadCount * t * t);
        return (parameters, activations);
    }

    internal string Summary() =>
        string.Create(CultureInfo.InvariantCulture,
        $"ViT-{Depth} {ShapeText} → {OutputCount}, patch {PatchSize} ({PatchCount} patches), width {Width}, {HeadCount} heads, " +
        $"MLP {MlpRatio * Width}, {Activation}, {(Pooling == TokenPooling.ClassToken ? "class token" : "mean pooling")}, " +
        $"LayerNorm {(UseLayerNorm ? "on" : "off")}, {Parameterization}, output×{OutputMultiplier:G4}");
}
