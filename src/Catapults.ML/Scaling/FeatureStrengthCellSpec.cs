using System.Text.Json.Serialization;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Scaling;

/// <summary>
/// Everything one (γ, η) training run needs, serialisable so a child process can rebuild it: a centred fully
/// connected network f = (f_w − f_{w₀})/γ trained online with SGD on fresh samples of a synthetic task, and tested on
/// a fixed held-out set. The network and the training are the engine's run descriptions, embedded
/// (<see cref="Network"/>, <see cref="Training"/>); the rest is what a sweep cell adds. Every default is stated.
/// </summary>
public sealed class FeatureStrengthCellSpec
{
    /// <summary>Synthetic target; default <see cref="SyntheticTaskKind.Rank2"/> (y = x₁x₂).</summary>
    public SyntheticTaskKind Task { get; set; } = SyntheticTaskKind.Rank2;

    /// <summary>Input dimension d; default 16.</summary>
    public int InputDimension { get; set; } = 16;

    /// <summary>
    /// The network f_w: a fully connected description (<c>fcn-L</c>, one width for every hidden layer, one output,
    /// built with <see cref="Seed"/>); default <see cref="DefaultNetwork"/>.
    /// </summary>
    public NetworkDescription Network { get; set; } = DefaultNetwork;

    /// <summary>
    /// The default network: <c>fcn-2</c> (depth L = 2) of width 256 with ReLU, in the mean-field parameterisation
    /// (μP readout), without biases, the setting of the γ paper.
    /// </summary>
    public static NetworkDescription DefaultNetwork { get; } = new()
    {
        Architecture = "fcn-2", Width = 256, Activation = ActivationKind.Relu, Parameterization = Parameterization.MeanField, UseBias = false,
    };

    /// <summary>Feature-learning strength γ; default 1.</summary>
    public double Gamma { get; set; } = 1.0;

    /// <summary>
    /// The training: the raw SGD rate η (<see cref="TrainingOptions.LearningRate"/>), the step budget
    /// (<see cref="TrainingOptions.MaxSteps"/>), fresh samples per step (<see cref="TrainingOptions.BatchSize"/>) and
    /// the divergence threshold (<see cref="TrainingOptions.DivergenceFactor"/>, the engine's 1e8, far above the
    /// catapult peaks that small γ produces); default <see cref="DefaultTraining"/>. The loss must be the mean squared
    /// error, the budget a number of steps and the batch given (online training has no epochs and no dataset).
    /// </summary>
    public TrainingOptions Training { get; set; } = DefaultTraining;

    /// <summary>The default training: plain SGD on the mean squared error at η = 1, 1000 steps of 32 fresh samples.</summary>
    public static TrainingOptions DefaultTraining { get; } = new() { LearningRate = 1.0, MaxSteps = 1000, BatchSize = 32 };

    /// <summary>Seed of the initialisation, the online stream and the held-out set; default 0.</summary>
    public long Seed { get; set; }

    /// <summary>Size of the held-out set; default 1000.</summary>
    public int HeldOutCount { get; set; } = 1000;

    /// <summary>Held-out loss every this many steps; default 50.</summary>
    public int EvaluateEvery { get; set; } = 50;

    /// <summary>Fraction of the last steps whose batch losses are averaged into the final online loss; default 0.1.</summary>
    public double OnlineLossWindow { get; set; } = 0.1;

    /// <summary>The raw SGD rate η of <see cref="Training"/>.</summary>
    [JsonIgnore]
    public double LearningRate => Training.LearningRate;

    /// <summary>The step budget of <see cref="Training"/> (0 before <see cref="Validate"/> has checked it is set).</summary>
    [JsonIgnore]
    public int Steps => Training.MaxSteps ?? 0;

    /// <summary>Fresh samples per step, <see cref="Training"/>'s batch size (0 before <see cref="Validate"/> has checked it is set).</summary>
    [JsonIgnore]
    public int BatchSize => Training.BatchSize ?? 0;

    /// <summary>The depth L, weight layers of <see cref="Network"/>.</summary>
    [JsonIgnore]
    public int Depth => Network.Spec.Depth ?? ModelFactory.DefaultFullyConnectedDepth;

    /// <summary>The (uncentred) network f_w, built from <see cref="Network"/> for this task's inputs and <see cref="Seed"/>.</summary>
    public FullyConnectedNetwork BuildNetwork() => (FullyConnectedNetwork)Network.Build(new long[] { InputDimension }, 1, Seed);

    /// <summary>The learning-rate rule of this architecture (depth and width factor).</summary>
    public FeatureStrengthScaling Scaling()
    {
        Validate();
        using var probe = BuildNetwork();
        return FeatureStrengthScaling.For(probe);
    }

    /// <summary>A copy with γ and η set (the descriptions are immutable records, so the copy shares them safely).</summary>
    public FeatureStrengthCellSpec At(double gamma, double learningRate)
    {
        var copy = (FeatureStrengthCellSpec)MemberwiseClone();
        copy.Gamma = gamma;
        copy.Training = Training with { LearningRate = learningRate };
        return copy;
    }

    /// <summary>A copy with the step budget set to <paramref name="steps"/>.</summary>
    public FeatureStrengthCellSpec WithSteps(int steps)
    {
        var copy = (FeatureStrengthCellSpec)MemberwiseClone();
        copy.Training = Training with { MaxSteps = steps };
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
        if (Network is null) throw new ArgumentException("Network must be given (a fully connected description, fcn-L).", nameof(Network));
        if (Network.Spec.Kind != ArchitectureKind.FullyConnected)
            throw new ArgumentException($"Network must be fully connected (fcn-L), got {Network.Architecture}.", nameof(Network));
        if (Depth < 2)
            throw new ArgumentException($"Network must have at least one hidden layer (fcn-2 or deeper: a feature-strength study needs features), got {Network.Architecture}.", nameof(Network));
        // The factory's own check of a description (a width below 1, for one), without building the network.
        ModelFactory.ParameterCount(Network, new long[] { InputDimension }, 1);
        if (!double.IsFinite(Gamma) || Gamma <= 0) throw new ArgumentException($"Gamma must be finite and positive, got {Gamma}.", nameof(Gamma));
        if (Training is null) throw new ArgumentException("Training must be given.", nameof(Training));
        Training.Validate();
        if (Training.Loss != LossKind.MeanSquaredError)
            throw new ArgumentException($"Training.Loss must be {LossKind.MeanSquaredError} (the γ scaling rules are the square loss's), got {Training.Loss}.", nameof(Training));
        if (Training.MaxSteps is not >= 1) throw new ArgumentException($"Training.MaxSteps must be at least 1 (online training has no epochs), got {Training.MaxSteps?.ToString() ?? "null"}.", nameof(Training));
        if (Training.BatchSize is null) throw new ArgumentException("Training.BatchSize must be given: the fresh samples per step.", nameof(Training));
        if (HeldOutCount < 1) throw new ArgumentException($"HeldOutCount must be at least 1, got {HeldOutCount}.", nameof(HeldOutCount));
        if (EvaluateEvery < 1) throw new ArgumentException($"EvaluateEvery must be at least 1, got {EvaluateEvery}.", nameof(EvaluateEvery));
        if (!(OnlineLossWindow > 0 && OnlineLossWindow <= 1)) throw new ArgumentException($"OnlineLossWindow must be in (0, 1], got {OnlineLossWindow}.", nameof(OnlineLossWindow));
    }
}
