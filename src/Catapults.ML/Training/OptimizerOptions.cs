namespace Catapults.ML.Training;

/// <summary>
/// Hyper-parameters of the optimisers other than the learning rate. Defaults follow PyTorch; each property states the
/// range <see cref="Validate"/> accepts, which is PyTorch's own range narrowed to the values that train: every setting
/// is finite, and a decay factor of 1 or more would keep a running average from ever forgetting its start.
/// </summary>
public sealed record OptimizerOptions
{
    /// <summary>
    /// Momentum μ for <see cref="OptimizerKind.Momentum"/> (RMSprop's momentum term stays 0); default 0.9. Finite, in
    /// [0, 1): at μ ≥ 1 the momentum buffer sums every past gradient without decay.
    /// </summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Adam's β₁; default 0.9. Finite, in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam's β₂; default 0.999. Finite, in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>RMSprop's smoothing constant α; default 0.99. Finite, in [0, 1).</summary>
    public double RmsPropAlpha { get; init; } = 0.99;
    /// <summary>
    /// Numerical ε of Adam, RMSprop and Adagrad; default null: each optimiser's own default in PyTorch,
    /// <see cref="DefaultEpsilon"/> (1e-8) for Adam and RMSprop and <see cref="DefaultAdagradEpsilon"/> (1e-10) for
    /// Adagrad. When set, finite and positive (with ε = 0 a weight whose gradient has always been 0 gets the update 0/0),
    /// and used as given by every optimiser.
    /// </summary>
    /// <remarks>Until 6 Dec 2026 the default was 1e-8 and Adagrad replaced exactly 1e-8 by 1e-10, so a value set to 1e-8 on purpose was lost.</remarks>
    public double? Epsilon { get; init; }
    /// <summary>Adam's and RMSprop's ε when <see cref="Epsilon"/> is null: 1e-8, as in PyTorch.</summary>
    public const double DefaultEpsilon = 1e-8;
    /// <summary>Adagrad's ε when <see cref="Epsilon"/> is null: 1e-10, as in PyTorch.</summary>
    public const double DefaultAdagradEpsilon = 1e-10;

    /// <summary>The ε that <paramref name="kind"/> uses: <see cref="Epsilon"/>, or that optimiser's default when it is null.</summary>
    public double EpsilonFor(OptimizerKind kind) => Epsilon ?? (kind == OptimizerKind.Adagrad ? DefaultAdagradEpsilon : DefaultEpsilon);

    /// <summary>L2 weight decay; default 0. Finite and ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Sharpness-aware minimisation (Foret et al. 2021) when set: each step first ascends to
    /// w + ρ·g/‖g‖ (g the batch gradient at w, ‖·‖ over all trainable parameters), takes the batch gradient there,
    /// returns to w and lets the optimiser step with that gradient. With <see cref="OptimizerKind.Sgd"/> this is SAM
    /// itself: w ← w − η ∇L(w + ρ g/‖g‖). Works with every optimiser and with update transforms (Dom-SAM, Bulk-SAM).
    /// Costs a second forward and backward pass per step. Default null: off. When set, finite and positive.
    /// </summary>
    public double? SharpnessAwareRadius { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first setting outside the range its documentation states.
    /// Every setting is checked, whichever optimiser will read it.
    /// </summary>
    /// <param name="name">How messages name this object, e.g. <c>OptimizerSettings</c> inside <see cref="TrainingOptions"/>.</param>
    public void Validate(string name = nameof(OptimizerOptions))
    {
        // libtorch's own checks are `x < 0`, which NaN passes: the run then fails many steps later as a "divergence".
        RequireDecayFactor(Momentum, nameof(Momentum));
        RequireDecayFactor(Beta1, nameof(Beta1));
        RequireDecayFactor(Beta2, nameof(Beta2));
        RequireDecayFactor(RmsPropAlpha, nameof(RmsPropAlpha));
        if (Epsilon is double epsilon && !(double.IsFinite(epsilon) && epsilon > 0))
            throw new ArgumentException($"{name}.{nameof(Epsilon)} must be finite and positive (or null for each optimiser's default), got {epsilon}.", $"{name}.{nameof(Epsilon)}");
        if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
            throw new ArgumentException($"{name}.{nameof(WeightDecay)} must be finite and ≥ 0, got {WeightDecay}.", $"{name}.{nameof(WeightDecay)}");
        if (SharpnessAwareRadius is double rho && !(rho > 0 && double.IsFinite(rho)))
            throw new ArgumentException($"{name}.{nameof(SharpnessAwareRadius)} must be finite and positive (or null for plain steps), got {rho}.",
                $"{name}.{nameof(SharpnessAwareRadius)}");

        void RequireDecayFactor(double value, string property)
        {
            if (!(value >= 0 && value < 1))
                throw new ArgumentException($"{name}.{property} must be finite and in [0, 1), got {value}.", $"{name}.{property}");
        }
    }
}
