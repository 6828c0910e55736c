using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// A small Vision Transformer (Dosovitskiy et al., 2021): the image is cut into p×p patches, each flattened
/// (channel-major) and embedded linearly; learned position embeddings (and optionally a class token) are added; pre-norm
/// <see cref="TransformerBlock"/>s follow; the class token's final state (or the mean of the patch tokens) passes a
/// final LayerNorm, a linear readout and the output multiplier.
/// </summary>
/// <remarks>
/// Class token and position embeddings are drawn N(0, 0.02²) under <see cref="Parameterization.Standard"/> (the usual
/// ViT choice) and N(0, 1) otherwise, added unscaled like biases; they then have the same scale as the NTK-parameterised
/// patch embeddings. Every operation acts within one sample, so each output row depends on its own input row only.
/// </remarks>
public sealed class VisionTransformer : ImageNetwork<VisionTransformerOptions>
{
    private readonly ScaledLinear patchEmbedding;
    private readonly Parameter? classToken;
    private readonly Parameter positionEmbedding;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly FeatureLayerNormalization? norm;
    private readonly ScaledLinear readout;

    /// <summary>Builds and initialises the network from <paramref name="options"/>.</summary>
    public VisionTransformer(VisionTransformerOptions options) : base(nameof(VisionTransformer), options)
    {
        using var generator = Seeding.TorchGenerator(options.Seed, Seeding.Stream.Initialization);
        int patchFeatures = options.InputChannels * options.PatchSize * options.PatchSize;
        patchEmbedding = new ScaledLinear("patchEmbedding", patchFeatures, options.Width, options.UseBias, options.Parameterization, isReadout: false, generator);
        double embeddingStd = options.Parameterization == Parameterization.Standard ? 0.02 : 1.0;
        using (torch.no_grad())
        {
            if (options.Pooling == TokenPooling.ClassToken)
            {
                using var c = torch.randn(new long[] { 1, 1, options.Width }, generator: generator);
                classToken = new Parameter(KeptScalars.Times(c, embeddingStd).DetachFromDisposeScope());
            }
            using var p = torch.randn(new long[] { 1, options.TokenCount, options.Width }, generator: generator);
            positionEmbedding = new Parameter(KeptScalars.Times(p, embeddingStd).DetachFromDisposeScope());
        }
        var list = new List<TransformerBlock>();
        for (int i = 0; i < options.Depth; i++)
            list.Add(new TransformerBlock($"block{i}", options.Width, options.HeadCount, options.MlpRatio * options.Width,
                options.Activation, options.UseLayerNorm, options.UseBias, options.Parameterization, generator));
        blocks = nn.ModuleList(list.ToArray());
        if (options.UseLayerNorm) norm = new FeatureLayerNormalization("norm", options.Width);
        readout = new ScaledLinear("readout", options.Width, options.OutputCount, options.UseBias, options.Parameterization, isReadout: true, generator);
        RegisterComponents();
    }

    /// <summary>The linear patch embedding, C·p·p → D.</summary>
    public ScaledLinear PatchEmbedding => patchEmbedding;

    /// <summary>The class token [1, 1, D], or null with <see cref="TokenPooling.Mean"/>.</summary>
    public Parameter? ClassToken => classToken;

    /// <summary>The position embeddings [1, T, D] (the class token's first).</summary>
    public Parameter PositionEmbedding => positionEmbedding;

    /// <summary>The transformer blocks, input first.</summary>
    public IReadOnlyList<TransformerBlock> Blocks => blocks.ToList();

    /// <summary>The linear readout, D → O.</summary>
    public ScaledLinear Readout => readout;

    /// <inheritdoc />
    public override string Describe() => Options.Summary();

    /// <summary>
    /// Cuts images [n, C, H, W] into flattened patches [n, (H/p)(W/p), C·p·p], patches in row-major order, each patch's
    /// features channel-major.
    /// </summary>
    public Tensor Patchify(Tensor images)
    {
        int c = Options.InputChannels, p = Options.PatchSize;
        if (images.dim() != 4 || images.shape[1] != c || images.shape[2] != Options.InputHeight || images.shape[3] != Options.InputWidth)
            throw new ArgumentException(
                $"Patchify expects images [n, {c}, {Options.InputHeight}, {Options.InputWidth}], got [{string.Join(", ", images.shape)}].", nameof(images));
        long n = images.shape[0], rows = Options.InputHeight / p, cols = Options.InputWidth / p;
        using var grid = images.reshape(n, c, rows, p, cols, p);
        using var ordered = grid.permute(0, 2, 4, 1, 3, 5);
        return ordered.reshape(n, rows * cols, (long)c * p * p);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var images = ReshapeInput(input);
        long n = images.shape[0];
        var h = patchEmbedding.forward(Patchify(images));
        if (classToken is not null) h = torch.cat(new[] { classToken.expand(n, 1, Options.Width), h }, 1);
        h = KeptScalars.Plus(h, positionEmbedding);
        foreach (var block in blocks) h = block.forward(h);
        if (norm is not null) h = norm.forward(h);
        var pooled = classToken is not null ? h.select(1, 0) : h.mean(new long[] { 1 });
        var y = readout.forward(pooled);
        if (Options.OutputMultiplier != 1.0) y = KeptScalars.Times(y, Options.OutputMultiplier);
        return y.MoveToOuterDisposeScope();
    }
}
