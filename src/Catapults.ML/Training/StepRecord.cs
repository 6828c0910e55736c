namespace Catapults.ML.Training;

/// <summary>
/// What happened at one step t: the batch loss L_B(w_t) at the weights before the update, the rate used for the
/// update w_t → w_{t+1}, and on request the full training loss L(w_t).
/// </summary>
public sealed record StepRecord(
    int Step,
    int Epoch,
    double LearningRate,
    double BatchLoss,
    IReadOnlyList<long> BatchIndices,
    double? FullTrainingLoss);

/// <summary>How a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>The step or epoch budget was used up.</summary>
    BudgetReached,
    /// <summary>The full training loss reached <see cref="TrainingOptions.TargetLoss"/>.</summary>
    TargetLossReached,
    /// <summary>The loss became non-finite or exploded; see <see cref="TrainingResult.Divergence"/>.</summary>
    Diverged,
    /// <summary>Cancelled through the cancellation token.</summary>
    Cancelled,
}

/// <summary>Where and how a run diverged.</summary>
public sealed record DivergenceInfo(int Step, double LastFiniteLoss, double OffendingLoss, string Reason);

/// <summary>The result of a training run (<see cref="Trainer"/>).</summary>
public sealed record TrainingResult(
    TrainingOutcome Outcome,
    int Steps,
    int Epochs,
    double? FinalTrainingLoss,
    DivergenceInfo? Divergence,
    TimeSpan WallTime)
{
    /// <summary>
    /// The rates the run used: the options' schedule, or, with a <see cref="TrainingOptions.RateController"/>, the
    /// first rate and each change the controller made. Serialises as a schedule, so a rerun with it as
    /// <see cref="TrainingOptions.Schedule"/> and no controller takes the same steps.
    /// </summary>
    public ILearningRateSchedule? RealisedSchedule { get; init; }

    /// <summary>True when the run diverged.</summary>
    public bool Diverged => Outcome == TrainingOutcome.Diverged;
}
