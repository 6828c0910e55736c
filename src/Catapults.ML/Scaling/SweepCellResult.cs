using Catapults.ML.Training;

namespace Catapults.ML.Scaling;

/// <summary>
/// The outcome of one sweep cell: whether it diverged (the engine's <see cref="TrainingOutcome.Diverged"/>), its
/// final losses and its loss curves. Stored as JSON, one file per cell.
/// </summary>
public sealed record SweepCellResult
{
    /// <summary>The cell (γ, η).</summary>
    public required SweepCell Cell { get; init; }

    /// <summary>How training ended.</summary>
    public required TrainingOutcome Outcome { get; init; }

    /// <summary>True when training diverged (non-finite or exploding loss).</summary>
    public bool Diverged => Outcome == TrainingOutcome.Diverged;

    /// <summary>The step at which divergence was detected, or null.</summary>
    public int? DivergenceStep { get; init; }

    /// <summary>Why the run was declared diverged, or null.</summary>
    public string? DivergenceReason { get; init; }

    /// <summary>Updates made.</summary>
    public int Steps { get; init; }

    /// <summary>
    /// The final online loss: the mean batch loss over the last part of the run (fresh samples each step, so an
    /// unbiased estimate of the population loss); null after divergence.
    /// </summary>
    public double? FinalOnlineLoss { get; init; }

    /// <summary>The loss on the fixed held-out set at the final weights; null after divergence.</summary>
    public double? FinalTestLoss { get; init; }

    /// <summary>The batch loss L_B(w_t) of every step t, in order (up to divergence).</summary>
    public double[] BatchLosses { get; init; } = Array.Empty<double>();

    /// <summary>Steps at which the held-out loss was evaluated.</summary>
    public int[] TestLossSteps { get; init; } = Array.Empty<int>();

    /// <summary>The held-out losses at <see cref="TestLossSteps"/>.</summary>
    public double[] TestLosses { get; init; } = Array.Empty<double>();

    /// <summary>
    /// The number of catapults in <see cref="BatchLosses"/>, computed by the sweep's pluggable
    /// <see cref="FeatureStrengthSweepOptions.CatapultCounter"/> when the results are assembled; null without one.
    /// </summary>
    public int? CatapultCount { get; init; }

    /// <summary>Wall time of the training run, in seconds.</summary>
    public double WallSeconds { get; init; }

    /// <summary>Held-out evaluations at the end of a run that, all equal to the bit, make it <see cref="Frozen"/>.</summary>
    public const int FrozenEvaluations = 3;

    /// <summary>
    /// True when the run did not diverge but its last <see cref="FrozenEvaluations"/> held-out losses are equal to the
    /// bit: the weights stopped changing. With a fresh online batch every step and a positive rate, only a gradient of
    /// exactly zero does that, as when every unit of a ReLU layer is inactive on every input (a dead network, whose
    /// output is then fixed). Such a run neither diverged nor trains, so the summaries do not count it as stable.
    /// </summary>
    public bool Frozen => !Diverged && TestLosses is { Length: >= FrozenEvaluations } losses
        && losses.TakeLast(FrozenEvaluations).Distinct().Count() == 1;

    /// <summary>The loss that ranks cells for η*: the final held-out loss, else the final online loss; null after divergence.</summary>
    public double? SelectionLoss => Diverged ? null : FinalTestLoss ?? FinalOnlineLoss;

    /// <summary>
    /// Why this cannot be the record of a training run, or null: a negative count, curves that do not fit its steps, or
    /// a loss that is negative or not finite in a run that did not diverge. A stored result is checked before a sweep
    /// trusts it, since an impossible number would otherwise surface far away, in a fit.
    /// </summary>
    public string? Inconsistency()
    {
        if (Steps < 0) return $"steps is {Steps}";
        if (BatchLosses is null || TestLossSteps is null || TestLosses is null) return "a loss curve is null";
        if (!(WallSeconds >= 0) || double.IsInfinity(WallSeconds)) return $"wallSeconds is {WallSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (CatapultCount < 0) return $"catapultCount is {CatapultCount}";
        if (TestLossSteps.Length != TestLosses.Length) return $"{TestLossSteps.Length} test-loss steps for {TestLosses.Length} test losses";
        for (int i = 0; i < TestLossSteps.Length; i++)
            if (TestLossSteps[i] < 0 || TestLossSteps[i] > Steps || (i > 0 && TestLossSteps[i] < TestLossSteps[i - 1]))
                return $"testLossSteps are not ordered steps in 0..{Steps}";
        if (Diverged)
            return BatchLosses.Length > Steps + 1 ? $"{BatchLosses.Length} batch losses for {Steps} steps" : null;
        if (DivergenceStep is not null) return "a divergence step in a run that did not diverge";
        if (BatchLosses.Length != Steps) return $"{BatchLosses.Length} batch losses for {Steps} steps";
        foreach (double loss in BatchLosses.Concat(TestLosses).Append(FinalOnlineLoss ?? 0).Append(FinalTestLoss ?? 0))
            if (!(loss >= 0) || double.IsInfinity(loss)) return $"a loss of {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} in a run that did not diverge";
        return null;
    }
}
