using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// A pre-norm transformer encoder block: h = x + A(N₁ x), then y = h + W₂ σ(W₁ N₂ h), with A a
/// <see cref="MultiHeadSelfAttention"/>, N LayerNorms over each token's features (per token, per sample) or the
/// identity, and W₁, W₂ <see cref="ScaledLinear"/> layers of the MLP.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly FeatureLayerNormalization? norm1;
    private readonly MultiHeadSelfAttention attention;
    private readonly FeatureLayerNormalization? norm2;
    private readonly ScaledLinear mlpHidden;
    private readonly ScaledLinear mlpOutput;
    private readonly ActivationKind activation;

    /// <summary>Creates the block and initialises it from <paramref name="generator"/> (attention first, then the MLP).</summary>
    /// <param name="name">Module name.</param>
    /// <param name="width">Token width D.</param>
    /// <param name="headCount">Attention heads; must divide <paramref name="width"/>.</param>
    /// <param name="mlpWidth">Hidden width of the MLP.</param>
    /// <param name="activation">Nonlinearity of the MLP.</param>
    /// <param name="useLayerNorm">Whether to normalise before attention and MLP.</param>
    /// <param name="useBias">Whether the linear layers have biases.</param>
    /// <param name="parameterization">How the linear layers are drawn and scaled.</param>
    /// <param name="generator">The initialisation stream.</param>
    public TransformerBlock(string name, int width, int headCount, int mlpWidth, ActivationKind activation, bool useLayerNorm,
        bool useBias, Parameterization parameterization, torch.Generator generator) : base(name)
    {
        if (mlpWidth < 1) throw new ArgumentOutOfRangeException(nameof(mlpWidth), mlpWidth, "The MLP width must be positive.");
        this.activation = activation;
        if (useLayerNorm) norm1 = new FeatureLayerNormalization("norm1", width);
        attention = new MultiHeadSelfAttention("attention", width, headCount, useBias, parameterization, generator);
        if (useLayerNorm) norm2 = new FeatureLayerNormalization("norm2", width);
        mlpHidden = new ScaledLinear("mlpHidden", width, mlpWidth, useBias, parameterization, isReadout: false, generator);
        mlpOutput = new ScaledLinear("mlpOutput", mlpWidth, width, useBias, parameterization, isReadout: false, generator);
        RegisterComponents();
    }

    /// <summary>The self-attention layer.</summary>
    public MultiHeadSelfAttention Attention => attention;

    /// <summary>The MLP's first layer, D → hidden.</summary>
    public ScaledLinear MlpHidden => mlpHidden;

    /// <summary>The MLP's second layer, hidden → D.</summary>
    public ScaledLinear MlpOutput => mlpOutput;

    /// <summary>Transforms tokens [n, T, D] into [n, T, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = KeptScalars.Plus(x, attention.forward(norm1 is null ? x : norm1.forward(x)));
        var m = mlpOutput.forward(Activations.Apply(activation, mlpHidden.forward(norm2 is null ? h : norm2.forward(h))));
        return KeptScalars.Plus(h, m).MoveToOuterDisposeScope();
    }
}
