using Catapults.ML.Runtime;
using TorchSharp.Modules;

namespace Catapults.ML.Models;

/// <summary>
/// How a scaled layer (<see cref="ScaledLinear"/>, <see cref="ScaledConv2d"/>) starts and what multiplies it in the
/// forward pass, from its parameterisation and fan_in; the two layers differ only in the weight's shape.
/// </summary>
internal static class ScaledInitialization
{
    /// <summary>
    /// Draws the weight of <paramref name="shape"/> and then, with <paramref name="useBias"/>, the bias of
    /// <c>shape[0]</c> outputs from <paramref name="generator"/>. Under <see cref="Parameterization.Standard"/> both are
    /// U(−1/√fan_in, 1/√fan_in), as PyTorch's layers draw them; otherwise weights are N(0, 1) and biases 0.
    /// </summary>
    public static (Parameter Weight, Parameter? Bias) Draw(long[] shape, long fanIn, bool useBias,
        Parameterization parameterization, torch.Generator generator)
    {
        // A null stream would make libtorch draw from its global one: weights no seed reproduces.
        ArgumentNullException.ThrowIfNull(generator);
        double bound = 1.0 / Math.Sqrt(fanIn);
        long outputs = shape[0];
        using (torch.no_grad())
        {
            Tensor w = parameterization == Parameterization.Standard
                ? Uniform(shape, bound, generator)
                : torch.randn(shape, generator: generator);
            var weight = new Parameter(w.DetachFromDisposeScope());
            if (!useBias) return (weight, null);
            Tensor b = parameterization == Parameterization.Standard
                ? Uniform(new long[] { outputs }, bound, generator)
                : torch.zeros(outputs);
            return (weight, new Parameter(b.DetachFromDisposeScope()));
        }
    }

    // U(−bound, bound) from the stream: (2u − 1)·bound for u ~ U(0, 1), in place on the fresh draw.
    private static Tensor Uniform(long[] shape, double bound, torch.Generator generator)
    {
        var uniform = torch.rand(shape, generator: generator);
        return KeptScalars.TimesInPlace(KeptScalars.AddConstantInPlace(KeptScalars.TimesInPlace(uniform, 2), -1), bound);
    }

    /// <summary>
    /// The forward multiplier s of the weight: 1 under <see cref="Parameterization.Standard"/>, 1/fan_in for a
    /// mean-field readout and 1/√fan_in otherwise.
    /// </summary>
    public static double WeightScale(Parameterization parameterization, long fanIn, bool isReadout) => parameterization switch
    {
        Parameterization.Standard => 1.0,
        Parameterization.MeanField when isReadout => 1.0 / fanIn,
        _ => 1.0 / Math.Sqrt(fanIn),
    };
}
