namespace Catapults.ML.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>The step or epoch budget was used up.</summary>
    BudgetReached,
    /// <summary>The full training loss reached <see cref="TrainingOptions.TargetLoss"/>.</summary>
    TargetLossReached,
    /// <summary>
    /// The loss became non-finite or exploded after updates (or, in online training, the final weights; or the rate
    /// left float32, or a rate controller set a rate that is not finite and positive); see
    /// <see cref="TrainingResult.Divergence"/>. A loss that is not finite before any update is no divergence: the
    /// trainers refuse it with an <see cref="ArgumentException"/>.
    /// </summary>
    Diverged,
    /// <summary>Cancelled through the cancellation token.</summary>
    Cancelled,
}
