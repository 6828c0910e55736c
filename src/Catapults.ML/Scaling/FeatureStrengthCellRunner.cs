using Catapults.ML.Probes;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Scaling;

/// <summary>
/// Trains one sweep cell: the centred network of a <see cref="FeatureStrengthCellSpec"/>, online SGD on fresh samples
/// of its synthetic task at rate η, with the held-out loss recorded along the way.
/// </summary>
public static class FeatureStrengthCellRunner
{
    /// <summary>Runs <paramref name="spec"/> (whose γ and η must match <paramref name="cell"/>) and returns its result.</summary>
    public static SweepCellResult Run(FeatureStrengthCellSpec spec, SweepCell cell, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cell);
        spec.Validate();
        if (spec.Gamma != cell.Gamma || spec.LearningRate != cell.LearningRate)
            throw new ArgumentException(
                $"The spec (γ = {spec.Gamma}, η = {spec.LearningRate}) does not match cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate}).",
                nameof(spec));
        TorchRuntime.EnsureLoaded();

        var task = new SyntheticTask(spec.Task, spec.InputDimension);
        using var heldOut = OnlineBatchSource.DrawHeldOut(task, spec.HeldOutCount, spec.Seed);
        using var model = new CenteredNetwork(() => new FullyConnectedNetwork(spec.NetworkOptions()), spec.Gamma);
        var source = OnlineBatchSource.ForTask(task, spec.BatchSize, spec.Seed);
        var options = new TrainingOptions
        {
            Loss = LossKind.MeanSquaredError,
            Optimizer = OptimizerKind.Sgd,
            LearningRate = spec.LearningRate,
            MaxSteps = spec.Steps,
            DivergenceFactor = spec.DivergenceFactor,
        };
        var batchLosses = new StepLog(spec.Steps);
        var test = new HeldOutLossProbe(heldOut, spec.EvaluateEvery);
        TrainingResult result;
        using (var trainer = new Trainer(model, options))
            result = trainer.Run(source, new ITrainingObserver[] { batchLosses, test }, cancellationToken);
        if (result.Outcome == TrainingOutcome.Cancelled) throw new OperationCanceledException(cancellationToken);

        var losses = batchLosses.Steps.Select(step => step.BatchLoss).ToArray();
        bool diverged = result.Diverged;
        double? finalTest = diverged ? null : test.FinalLoss;
        if (finalTest is double ft && !double.IsFinite(ft))
        {
            // The trainer saw finite batch losses, but the weights no longer give a finite prediction.
            diverged = true;
            finalTest = null;
        }
        int window = Math.Max(1, (int)Math.Ceiling(spec.OnlineLossWindow * losses.Length));
        return new SweepCellResult
        {
            Cell = cell,
            Outcome = diverged ? TrainingOutcome.Diverged : result.Outcome,
            DivergenceStep = result.Divergence?.Step ?? (diverged ? result.Steps : null),
            DivergenceReason = result.Divergence?.Reason ?? (diverged ? "the held-out loss at the final weights is not finite" : null),
            Steps = result.Steps,
            FinalOnlineLoss = diverged || losses.Length == 0 ? null : losses.Skip(losses.Length - window).Average(),
            FinalTestLoss = finalTest,
            BatchLosses = losses,
            TestLossSteps = test.Records.Select(l => l.Step).ToArray(),
            TestLosses = test.Records.Select(l => l.Loss).ToArray(),
            WallSeconds = result.WallTime.TotalSeconds,
        };
    }
}
