using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

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
        return KeptScalars.Plus(h, shortcut is null ? x : shortcut.forward(pre)).MoveToOuterDisposeScope();
    }
}
