using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Models;

/// <summary>Applies an <see cref="ActivationKind"/> and its derivative.</summary>
public static class Activations
{
    /// <summary>σ(x).</summary>
    public static Tensor Apply(ActivationKind kind, Tensor x) => kind switch
    {
        ActivationKind.Relu => nn.functional.relu(x),
        ActivationKind.Tanh => torch.tanh(x),
        ActivationKind.Gelu => nn.functional.gelu(x),
        ActivationKind.Identity => x.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

    /// <summary>σ(x) written over <paramref name="x"/> where libtorch has an in-place kernel (a new tensor otherwise); returns the result.</summary>
    internal static Tensor ApplyInPlace(ActivationKind kind, Tensor x) => kind switch
    {
        ActivationKind.Relu => x.relu_(),
        ActivationKind.Tanh => x.tanh_(),
        ActivationKind.Identity => x,
        _ => Apply(kind, x),
    };

    /// <summary>σ'(x), elementwise; used by layer-wise NTK and closed forms.</summary>
    public static Tensor Derivative(ActivationKind kind, Tensor x)
    {
        switch (kind)
        {
            case ActivationKind.Relu:
                return x.gt(0).to_type(x.dtype);
            case ActivationKind.Tanh:
            {
                using var t = torch.tanh(x);
                return 1 - t * t;
            }
            case ActivationKind.Gelu:
            {
                // d/dx [x Φ(x)] = Φ(x) + x φ(x)
                using var cdf = 0.5 * (1 + torch.special.erf(x / Math.Sqrt(2)));
                using var pdf = torch.exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
                return cdf + x * pdf;
            }
            case ActivationKind.Identity:
                return torch.ones_like(x);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }
}
