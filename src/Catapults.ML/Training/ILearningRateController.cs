namespace Catapults.ML.Training;

/// <summary>
/// Sets the learning rate during training from what the run measures, e.g. raising η to a multiple of the current
/// critical rate every so many steps (the multiple-catapult experiment). It is control, not observation: observers
/// (<see cref="ITrainingObserver"/>) never change training, a controller does, and the rates it chose come back in
/// <see cref="TrainingResult.RealisedSchedule"/>. Set it on <see cref="TrainingOptions.RateController"/>.
/// </summary>
public interface ILearningRateController
{
    /// <summary>
    /// The rate of step <paramref name="step"/>, called before that step with the model at the weights it starts
    /// from. <paramref name="scheduledRate"/> is what <see cref="TrainingOptions.EffectiveSchedule"/> gives for the
    /// step. <paramref name="realisedSoFar"/> holds the rates of the steps before (null before the first step), also
    /// after a resume, so a controller that derives its decisions from it needs no state of its own to resume.
    /// The rate must be finite and positive, or <paramref name="scheduledRate"/> as it is (a schedule may reach 0, see
    /// <see cref="WarmupDecaySchedule.FinalRate"/>); any other rate ends the run as <see cref="TrainingOutcome.Diverged"/>,
    /// with the controller, the rate and the step in <see cref="TrainingResult.Divergence"/>.
    /// </summary>
    double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context);
}
