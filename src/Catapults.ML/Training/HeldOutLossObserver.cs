using Catapults.ML.Data;

namespace Catapults.ML.Training;

/// <summary>
/// Records the loss on a fixed held-out set during training: at w_t for every step t that is a multiple of
/// <see cref="Every"/> (so step 0 is the initial weights), and at the final weights when the run did not diverge.
/// In online training, where no sample is reused, this is the test loss.
/// </summary>
public sealed class HeldOutLossObserver : ITrainingObserver
{
    private readonly List<HeldOutLoss> _losses = new();

    /// <summary>Evaluates on <paramref name="heldOut"/> (the caller keeps ownership) every <paramref name="every"/> steps.</summary>
    public HeldOutLossObserver(TensorDataset heldOut, int every)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "The evaluation interval must be at least 1 step.");
        HeldOut = heldOut;
        Every = every;
    }

    /// <summary>The held-out set.</summary>
    public TensorDataset HeldOut { get; }

    /// <summary>The evaluation interval in steps.</summary>
    public int Every { get; }

    /// <summary>The recorded losses, in step order.</summary>
    public IReadOnlyList<HeldOutLoss> Losses => _losses;

    /// <summary>The last recorded loss, or null when none was recorded.</summary>
    public double? FinalLoss => _losses.Count > 0 ? _losses[^1].Loss : null;

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step)
    {
        if (step.Step % Every == 0) Record(step.Step, step.Training);
    }

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        if (result.Diverged) return;
        if (_losses.Count == 0 || _losses[^1].Step != result.Steps) Record(result.Steps, context);
    }

    private void Record(int step, TrainingContext context) =>
        _losses.Add(new HeldOutLoss(step, Trainer.EvaluateLoss(context.Model, HeldOut, context.Options.Loss)));
}

/// <summary>The held-out loss L(w_t) after <paramref name="Step"/> updates.</summary>
public sealed record HeldOutLoss(int Step, double Loss);
