using Catapults.ML.Data;
using Catapults.ML.Models;

namespace Catapults.ML.Scaling;

/// <summary>
/// Everything one (γ, η) training run needs, serialisable so a child process can rebuild it: a centred fully
/// connected network f = (f_w − f_{w₀})/γ trained online with SGD on fresh samples of a synthetic task, and tested on
/// a fixed held-out set. Every default is stated.
/// </summary>
public sealed class FeatureStrengthCellSpec
{
    /// <summary>Synthetic target; default <see cref="SyntheticTaskKind.Rank2"/> (y = x₁x₂).</summary>
    public SyntheticTaskKind Task { get; set; } = SyntheticTaskKind.Rank2;

    /// <summary>Input dimension d; default 16.</summary>
    public int InputDimension { get; set; } = 16;

    /// <summary>Hidden widths; default one layer of 256 (depth L = 2).</summary>
    public int[] HiddenWidths { get; set; } = { 256 };

    /// <summary>Nonlinearity; default <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Relu;

    /// <summary>Parameterisation; default <see cref="Parameterization.MeanField"/> (μP readout). Layers have no biases.</summary>
    public Parameterization Parameterization { get; set; } = Parameterization.MeanField;

    /// <summary>Feature-learning strength γ; default 1.</summary>
    public double Gamma { get; set; } = 1.0;

    /// <summary>Raw SGD learning rate η; default 1.</summary>
    public double LearningRate { get; set; } = 1.0;

    /// <summary>SGD steps; default 1000.</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>Fresh samples per step; default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Seed of the initialisation, the online stream and the held-out set; default 0.</summary>
    public long Seed { get; set; }

    /// <summary>Size of the held-out set; default 1000.</summary>
    public int HeldOutCount { get; set; } = 1000;

    /// <summary>Held-out loss every this many steps; default 50.</summary>
    public int EvaluateEvery { get; set; } = 50;

    /// <summary>Fraction of the last steps whose batch losses are averaged into the final online loss; default 0.1.</summary>
    public double OnlineLossWindow { get; set; } = 0.1;

    /// <summary>
    /// Divergence threshold relative to the first batch loss (the trainer's <c>DivergenceFactor</c>); default 1e8,
    /// far above the catapult peaks that small γ produces.
    /// </summary>
    public double DivergenceFactor { get; set; } = 1e8;

    /// <summary>The depth L = hidden layers + 1.</summary>
    public int Depth => HiddenWidths.Length + 1;

    /// <summary>The options of the (uncentred) network f_w.</summary>
    public FullyConnectedOptions NetworkOptions() => new()
    {
        InputDimension = InputDimension,
        HiddenWidths = (int[])HiddenWidths.Clone(),
        OutputCount = 1,
        Activation = Activation,
        UseBias = false,
        Parameterization = Parameterization,
        Seed = Seed,
    };

    /// <summary>The learning-rate rule of this architecture (depth and width factor).</summary>
    public FeatureStrengthScaling Scaling()
    {
        Validate();
        using var probe = new FullyConnectedNetwork(NetworkOptions());
        return FeatureStrengthScaling.For(probe);
    }

    /// <summary>A copy with γ and η set.</summary>
    public FeatureStrengthCellSpec At(double gamma, double learningRate)
    {
        var copy = (FeatureStrengthCellSpec)MemberwiseClone();
        copy.HiddenWidths = (int[])HiddenWidths.Clone();
        copy.Gamma = gamma;
        copy.LearningRate = learningRate;
        return copy;
    }

    /// <summary>
    /// Why <paramref name="result"/> cannot be this spec's run, or null: a run that did not diverge makes exactly
    /// <see cref="Steps"/> updates, and one that diverged no more. A result file copied in from a sweep of another
    /// budget is caught here (the cell's γ and η alone do not tell the two apart).
    /// </summary>
    public string? Mismatch(SweepCellResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Steps > Steps) return $"it made {result.Steps} steps, more than this sweep's budget of {Steps}";
        if (!result.Diverged && result.Steps != Steps) return $"it made {result.Steps} steps without diverging, not this sweep's {Steps}";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        int needed = Task == SyntheticTaskKind.Rank2 ? 2 : 4;
        if (InputDimension < needed) throw new ArgumentException($"InputDimension must be at least {needed} for {Task}, got {InputDimension}.", nameof(InputDimension));
        if (HiddenWidths is null || HiddenWidths.Length == 0)
            throw new ArgumentException("HiddenWidths must name at least one hidden layer (a feature-strength study needs features).", nameof(HiddenWidths));
        for (int i = 0; i < HiddenWidths.Length; i++)
            if (HiddenWidths[i] < 1) throw new ArgumentException($"HiddenWidths[{i}] must be at least 1, got {HiddenWidths[i]}.", nameof(HiddenWidths));
        if (!double.IsFinite(Gamma) || Gamma <= 0) throw new ArgumentException($"Gamma must be finite and positive, got {Gamma}.", nameof(Gamma));
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"LearningRate must be finite and positive, got {LearningRate}.", nameof(LearningRate));
        if (Steps < 1) throw new ArgumentException($"Steps must be at least 1, got {Steps}.", nameof(Steps));
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, got {BatchSize}.", nameof(BatchSize));
        if (HeldOutCount < 1) throw new ArgumentException($"HeldOutCount must be at least 1, got {HeldOutCount}.", nameof(HeldOutCount));
        if (EvaluateEvery < 1) throw new ArgumentException($"EvaluateEvery must be at least 1, got {EvaluateEvery}.", nameof(EvaluateEvery));
        if (!(OnlineLossWindow > 0 && OnlineLossWindow <= 1)) throw new ArgumentException($"OnlineLossWindow must be in (0, 1], got {OnlineLossWindow}.", nameof(OnlineLossWindow));
        if (!(DivergenceFactor > 1)) throw new ArgumentException($"DivergenceFactor must be > 1, got {DivergenceFactor}.", nameof(DivergenceFactor));
    }
}
