using Catapults.ML.Runtime;

namespace Catapults.ML.Models;

/// <summary>Options of a <see cref="FullyConnectedNetwork"/>.</summary>
public sealed class FullyConnectedOptions
{
    /// <summary>Input dimension d. Required.</summary>
    public int InputDimension { get; set; }

    /// <summary>Widths of the hidden layers; default one layer of <see cref="ModelFactory.DefaultFullyConnectedWidth"/> (the paper's 2-layer network).</summary>
    public int[] HiddenWidths { get; set; } = { ModelFactory.DefaultFullyConnectedWidth };

    /// <summary>Number of outputs O; default 1.</summary>
    public int OutputCount { get; set; } = 1;

    /// <summary>Nonlinearity; default <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Relu;

    /// <summary>Whether layers have biases; default true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Parameterisation; default <see cref="Parameterization.Ntk"/>.</summary>
    public Parameterization Parameterization { get; set; } = Parameterization.Ntk;

    /// <summary>Multiplier applied to the network's output; default 1. (The γ study uses 1/γ.)</summary>
    public double OutputMultiplier { get; set; } = 1.0;

    /// <summary>Seed of the initialisation; default 0.</summary>
    public long Seed { get; set; }

    /// <summary>
    /// The number of parameters the network has (weights, and biases with <see cref="UseBias"/>), computed without
    /// building it, in double so that absurd sizes do not overflow: a saved file's description is checked against its
    /// weights before anything is allocated.
    /// </summary>
    public double ParameterCount()
    {
        double count = 0, fanIn = InputDimension;
        foreach (double fanOut in (HiddenWidths ?? []).Append(OutputCount))
        {
            count += (fanIn + (UseBias ? 1 : 0)) * fanOut;
            fanIn = fanOut;
        }
        return count;
    }

    /// <summary>The floats one sample's forward pass keeps for the backward pass: each hidden layer's pre-activation, activation and a slope.</summary>
    internal double ActivationsPerSample() => 3.0 * (HiddenWidths ?? []).Sum(w => (double)w) + OutputCount;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid option, or saying that the float32 weights
    /// alone would not fit in <see cref="MemoryBudget.AvailableBytes"/>.
    /// </summary>
    public void Validate()
    {
        ValidateShape();
        // A width or depth that cannot fit is refused here, before libtorch's allocator fails with a multi-line
        // message, or succeeds and takes the machine's memory.
        double parameters = ParameterCount();
        if (MemoryBudget.Shortfall(sizeof(float) * parameters,
                $"A fully connected network {InputDimension}-{string.Join("-", HiddenWidths)}-{OutputCount} of {parameters:G3} parameters") is { } shortfall)
            throw new ArgumentException(shortfall, nameof(HiddenWidths));
    }

    /// <summary>The checks that <see cref="ParameterCount"/> needs, without the memory bound (a saved file's description is compared with its weights first).</summary>
    internal void ValidateShape()
    {
        if (InputDimension < 1) throw new ArgumentException($"InputDimension must be at least 1, got {InputDimension}.", nameof(InputDimension));
        if (HiddenWidths is null) throw new ArgumentException("HiddenWidths must not be null (use an empty array for a linear model).", nameof(HiddenWidths));
        for (int i = 0; i < HiddenWidths.Length; i++)
            if (HiddenWidths[i] < 1) throw new ArgumentException($"HiddenWidths[{i}] must be at least 1, got {HiddenWidths[i]}.", nameof(HiddenWidths));
        if (OutputCount < 1) throw new ArgumentException($"OutputCount must be at least 1, got {OutputCount}.", nameof(OutputCount));
        if (!double.IsFinite(OutputMultiplier) || OutputMultiplier == 0)
            throw new ArgumentException($"OutputMultiplier must be finite and nonzero, got {OutputMultiplier}.", nameof(OutputMultiplier));
        OptionChecks.RequireDefined(Activation, nameof(Activation), nameof(Activation));
        OptionChecks.RequireDefined(Parameterization, nameof(Parameterization), nameof(Parameterization));
    }
}
