using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>
/// Options shared by the image networks (<see cref="ConvolutionalNetwork"/>, <see cref="WideResNet"/>,
/// <see cref="VisionTransformer"/>): the input shape, the outputs, the output multiplier, the parameterisation and
/// the seed. Inputs are accepted flat, [n, C·H·W], in channel-major order (all of channel 0 row by row, then channel
/// 1, …), which is CIFAR-10's and SVHN's on-disk layout, or as images [n, C, H, W].
/// </summary>
public abstract class ImageNetworkOptions
{
    /// <summary>Input channels C; default 3 (RGB).</summary>
    public int InputChannels { get; set; } = 3;

    /// <summary>Input height H in pixels; default 32 (CIFAR-10, SVHN).</summary>
    public int InputHeight { get; set; } = 32;

    /// <summary>Input width W in pixels; default 32 (CIFAR-10, SVHN).</summary>
    public int InputWidth { get; set; } = 32;

    /// <summary>Number of outputs O; default 10 (one per CIFAR-10 class).</summary>
    public int OutputCount { get; set; } = 10;

    /// <summary>Multiplier applied to the network's output; default 1. (The γ study uses 1/γ.)</summary>
    public double OutputMultiplier { get; set; } = 1.0;

    /// <summary>
    /// Parameterisation. Each architecture documents its default. <see cref="Parameterization.MeanField"/> scales the
    /// readout by 1/fan_in and every other layer as NTK.
    /// </summary>
    public Parameterization Parameterization { get; set; }

    /// <summary>Seed of the initialisation; default 0. The same seed gives the same weights.</summary>
    public long Seed { get; set; }

    /// <summary>The shape of one input sample, [C, H, W].</summary>
    public long[] InputShape => new long[] { InputChannels, InputHeight, InputWidth };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public virtual void Validate()
    {
        if (InputChannels < 1) throw new ArgumentException($"InputChannels must be at least 1, got {InputChannels}.", nameof(InputChannels));
        if (InputHeight < 1) throw new ArgumentException($"InputHeight must be at least 1, got {InputHeight}.", nameof(InputHeight));
        if (InputWidth < 1) throw new ArgumentException($"InputWidth must be at least 1, got {InputWidth}.", nameof(InputWidth));
        if (OutputCount < 1) throw new ArgumentException($"OutputCount must be at least 1, got {OutputCount}.", nameof(OutputCount));
        if (!double.IsFinite(OutputMultiplier) || OutputMultiplier == 0)
            throw new ArgumentException($"OutputMultiplier must be finite and nonzero, got {OutputMultiplier}.", nameof(OutputMultiplier));
        OptionChecks.RequireDefined(Parameterization, nameof(Parameterization), nameof(Parameterization));
    }

    /// <summary>
    /// Upper bounds, from the options alone, of the parameter count and of the floats one sample's forward pass keeps
    /// for the backward pass; the options must be valid. They only have to tell a size that cannot fit from one that can.
    /// </summary>
    internal abstract (double Parameters, double ActivationsPerSample) SizeBound();

    /// <summary>Throws <see cref="ArgumentException"/> when the float32 weights alone would not fit in <see cref="MemoryBudget.AvailableBytes"/>.</summary>
    internal void RequireWeightsFit(string description)
    {
        double parameters = SizeBound().Parameters;
        if (MemoryBudget.Shortfall(sizeof(float) * parameters, $"{description} of up to {parameters:G3} parameters") is { } shortfall)
            throw new ArgumentException(shortfall, "options");
    }

    /// <summary>A copy that shares nothing mutable with this instance (a network keeps one).</summary>
    protected internal virtual ImageNetworkOptions Snapshot() => (ImageNetworkOptions)MemberwiseClone();

    /// <summary>"C×H×W", for descriptions.</summary>
    protected string ShapeText => $"{InputChannels}×{InputHeight}×{InputWidth}";
}
