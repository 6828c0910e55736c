using Catapults.ML.Runtime;

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

    /// <summary>σ''(x), elementwise, or null where it is zero (ReLU almost everywhere, the identity): the Hessian's second-order term.</summary>
    internal static Tensor? SecondDerivative(ActivationKind kind, Tensor x)
    {
        switch (kind)
        {
            case ActivationKind.Relu:
            case ActivationKind.Identity:
                return null;
            case ActivationKind.Tanh:
            {
                // d/dx (1 − tanh²) = −2 tanh (1 − tanh²)
                using var t = torch.tanh(x);
                using var square = t * t;
                using var slope = KeptScalars.ConstantMinus(1, square);
                return KeptScalars.Times(t, -2).mul_(slope);
            }
            case ActivationKind.Gelu:
            {
                // d/dx [Φ(x) + x φ(x)] = 2φ(x) − x² φ(x)
                using var square = x * x;
                using var pdf = StandardNormalDensity(square);
                return KeptScalars.ConstantMinus(2, square).mul_(pdf);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }

    /// <summary>σ'(x), elementwise; used by layer-wise NTK and closed forms.</summary>
    public static Tensor Derivative(ActivationKind kind, Tensor x)
    {
        switch (kind)
        {
            case ActivationKind.Relu:
            {
                using var positive = KeptScalars.GreaterThan(x, 0);
                return positive.to_type(x.dtype);
            }
            case ActivationKind.Tanh:
            {
                using var t = torch.tanh(x);
                using var square = t * t;
                return KeptScalars.ConstantMinus(1, square);
            }
            case ActivationKind.Gelu:
            {
                // d/dx [x Φ(x)] = Φ(x) + x φ(x)
                using var scaled = KeptScalars.DividedBy(x, Math.Sqrt(2));
                using var cdf = torch.special.erf(scaled);
                KeptScalars.TimesInPlace(KeptScalars.AddConstantInPlace(cdf, 1), 0.5);
                using var square = x * x;
                using var pdf = StandardNormalDensity(square);
                using var slopePart = x * pdf;
                return KeptScalars.Plus(cdf, slopePart);
            }
            case ActivationKind.Identity:
                return torch.ones_like(x);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }

    // φ(x) = exp(−x²/2) / √(2π), from x².
    private static Tensor StandardNormalDensity(Tensor square)
    {
        using var exponent = KeptScalars.Times(square, -0.5);
        using var exp = torch.exp(exponent);
        return KeptScalars.DividedBy(exp, Math.Sqrt(2 * Math.PI));
    }
}
