using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// GroupNorm of feature maps [n, C, H, W]: each sample's channels are split into groups and each group is normalised
/// over its channels and positions, then scaled and shifted per channel (γ starts at 1, β at 0). One group is
/// LayerNorm over channels and positions. Statistics never cross samples.
/// </summary>
/// <remarks>
/// The engine initialises γ and β itself: in TorchSharp 0.107.0, <c>nn.GroupNorm</c> leaves its affine parameters
/// uninitialised (they hold whatever the allocator returned: zeros, huge values or NaN), which made Wide ResNets
/// irreproducible and often divergent at step 0.
/// </remarks>
public sealed class GroupNormalization : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates the layer for <paramref name="channels"/> channels in <paramref name="groups"/> groups.</summary>
    public GroupNormalization(string name, int channels, int groups, double epsilon = 1e-5) : base(name)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"The number of groups must be positive and divide the {channels} channels.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive.");
        Channels = channels;
        Groups = groups;
        Epsilon = epsilon;
        weight = new Parameter(torch.ones(channels).DetachFromDisposeScope());
        bias = new Parameter(torch.zeros(channels).DetachFromDisposeScope());
        RegisterComponents();
    }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Groups the channels are split into.</summary>
    public int Groups { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Per-channel scale γ, [C].</summary>
    public Parameter Weight => weight;

    /// <summary>Per-channel shift β, [C].</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (x.dim() < 2 || x.shape[1] != Channels)
            throw new ArgumentException($"{GetName()} expects input [n, {Channels}, ...], got [{string.Join(", ", x.shape)}].", nameof(x));
        return nn.functional.group_norm(x, Groups, weight, bias, Epsilon);
    }
}
