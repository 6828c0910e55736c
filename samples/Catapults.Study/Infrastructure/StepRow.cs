namespace Catapults.Study.Infrastructure;

/// <summary>One row of steps.csv: the weights after <paramref name="Step"/> updates.</summary>
/// <param name="Step">Number of updates made (0 = initial weights).</param>
/// <param name="LearningRate">Rate of the next update (the last one for the final row).</param>
/// <param name="BatchLoss">Loss of the last mini-batch, taken before its update (null at step 0).</param>
/// <param name="TrainLoss">Full training loss at these weights.</param>
/// <param name="TestLoss">Test loss at these weights.</param>
/// <param name="Extra">Experiment-specific columns (λ_max, η_crit, …), in the order of the probes' columns.</param>
public sealed record StepRow(int Step, double LearningRate, double? BatchLoss, double TrainLoss, double TestLoss, IReadOnlyList<double?> Extra)
{
    /// <summary>The columns of steps.csv before <see cref="Extra"/>'s: step, rate, batch, train and test loss.</summary>
    public const int FixedColumns = 5;
}
