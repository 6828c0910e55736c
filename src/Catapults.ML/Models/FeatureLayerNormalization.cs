using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// LayerNorm over the last dimension (each token's features), with a per-feature scale γ (starts at 1) and shift β
/// (starts at 0). It acts on each token of each sample separately. Like <see cref="GroupNormalization"/>, it owns its
/// parameters and checks its input's shape, so every normalisation of the engine is initialised the same explicit way.
/// </summary>
public sealed class FeatureLayerNormalization : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates the layer for <paramref name="features"/> features.</summary>
    public FeatureLayerNormalization(string name, int features, double epsilon = 1e-5) : base(name)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "Features must be positive.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive.");
        Features = features;
        Epsilon = epsilon;
        weight = new Parameter(torch.ones(features).DetachFromDisposeScope());
        bias = new Parameter(torch.zeros(features).DetachFromDisposeScope());
        RegisterComponents();
    }

    /// <summary>Number of features normalised together (the last dimension).</summary>
    public int Features { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Per-feature scale γ.</summary>
    public Parameter Weight => weight;

    /// <summary>Per-feature shift β.</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (x.dim() < 1 || x.shape[^1] != Features)
            throw new ArgumentException($"{GetName()} expects input [..., {Features}], got [{string.Join(", ", x.shape)}].", nameof(x));
        return nn.functional.layer_norm(x, new long[] { Features }, weight, bias, Epsilon);
    }
}
