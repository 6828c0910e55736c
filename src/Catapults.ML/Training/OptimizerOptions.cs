namespace Catapults.ML.Training;

/// <summary>Hyper-parameters of the optimisers other than the learning rate. Defaults follow PyTorch.</summary>
public sealed record OptimizerOptions
{
    /// <summary>Momentum for <see cref="OptimizerKind.Momentum"/> (and RMSprop's momentum term stays 0); default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Adam's β₁; default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam's β₂; default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>RMSprop's smoothing constant α; default 0.99.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;
    /// <summary>Numerical ε of Adam, RMSprop and Adagrad; default 1e-8 (Adagrad uses 1e-10 as in PyTorch when left at default).</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>L2 weight decay; default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Sharpness-aware minimisation (Foret et al. 2021) when set: each step first ascends to
    /// w + ρ·g/‖g‖ (g the batch gradient at w, ‖·‖ over all trainable parameters), takes the batch gradient there,
    /// returns to w and lets the optimiser step with that gradient. With <see cref="OptimizerKind.Sgd"/> this is SAM
    /// itself: w ← w − η ∇L(w + ρ g/‖g‖). Works with every optimiser and with update transforms (Dom-SAM, Bulk-SAM).
    /// Costs a second forward and backward pass per step. Default null: off.
    /// </summary>
    public double? SharpnessAwareRadius { get; init; }
}
