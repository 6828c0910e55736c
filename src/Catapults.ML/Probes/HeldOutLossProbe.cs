using Catapults.ML.Data;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// The loss on a fixed held-out set during training: at w_t for every step t that is a multiple of
/// <see cref="IProbe.Every"/> (so step 0 is the initial weights), and at the final weights when the run did not
/// diverge. In online training, where no sample is reused, this is the test loss.
/// </summary>
public sealed class HeldOutLossProbe : ScheduledProbe<HeldOutLoss>
{
    /// <summary>Evaluates on <paramref name="heldOut"/> (the caller keeps ownership) every <paramref name="every"/> steps.</summary>
    public HeldOutLossProbe(TensorDataset heldOut, int every) : this(heldOut, new HeldOutLossProbeOptions { Every = every }) { }

    /// <summary>Evaluates on <paramref name="heldOut"/> (the caller keeps ownership) with the cadence of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="heldOut"/> has no samples.</exception>
    public HeldOutLossProbe(TensorDataset heldOut, HeldOutLossProbeOptions options) : base("held-out-loss", options)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        // Said here, before a run whose every measurement would fail.
        if (heldOut.Count == 0) throw new ArgumentException($"The held-out set {heldOut.Name} has no samples.", nameof(heldOut));
        HeldOut = heldOut;
    }

    /// <summary>The held-out set.</summary>
    public TensorDataset HeldOut { get; }

    /// <summary>The last recorded loss, or null when none was recorded.</summary>
    public double? FinalLoss => Records.Count > 0 ? Records[^1].Loss : null;

    /// <inheritdoc />
    protected override int StepOf(HeldOutLoss record) => record.Step;

    /// <inheritdoc />
    protected override HeldOutLoss? Measure(StepContext step) => At(step.Step, step.Training);

    /// <inheritdoc />
    protected override HeldOutLoss? MeasureFinal(TrainingResult result, TrainingContext context) => At(result.Steps, context);

    // A non-finite loss is not a record: at non-finite weights the trainer's own check ends the run at this step; at
    // finite weights whose outputs overflow, the probe ends it.
    private HeldOutLoss? At(int step, TrainingContext context)
    {
        double loss = Losses.Evaluate(context.Model, HeldOut, context.Options.Loss);
        if (double.IsFinite(loss)) return new HeldOutLoss(step, loss);
        DivergedUnlessWeightsAreNonFinite(context.Model, step, $"the loss on the held-out set {HeldOut.Name} ({loss:G4})");
        return null;
    }

    /// <summary>The records as a DataFrame: Step, Loss.</summary>
    public override DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)),
        new DoubleDataFrameColumn("Loss", Records.Select(r => (double?)r.Loss)));
}
