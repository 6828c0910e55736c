namespace Catapults.ML.Training;

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
    /// The rates the run used: the options' schedule, or, with a <see cref="TrainingOptions.RateController"/> or an
    /// <see cref="AdjustableSchedule"/>, a <see cref="MilestoneSchedule"/> of the first rate and each change made.
    /// Serialises as a schedule, so a rerun with it as
    /// <see cref="TrainingOptions.Schedule"/> and no controller takes the same steps.
    /// </summary>
    public ILearningRateSchedule? RealisedSchedule { get; init; }

    /// <summary>True when the run diverged.</summary>
    public bool Diverged => Outcome == TrainingOutcome.Diverged;
}
