namespace Catapults.ML.Training;

/// <summary>
/// Watches training. Observers read the model but never change training: the trainer clears gradients before each
/// step, restores training mode after observers run, uses its own random generators, and runs each callback in its
/// own dispose scope. An observer must not write to parameters or their gradients.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Once, before the first step, at the initial weights.</summary>
    void OnTrainingStarted(TrainingContext context) { }

    /// <summary>Before step t's update: the model holds w_t and <paramref name="step"/> the batch about to be used.</summary>
    void OnBeforeStep(StepContext step) { }

    /// <summary>After step t's update: the model holds w_{t+1}.</summary>
    void OnStepCompleted(StepRecord record, TrainingContext context) { }

    /// <summary>Once, at the final weights (also after divergence or cancellation).</summary>
    void OnTrainingCompleted(TrainingResult result, TrainingContext context) { }
}
