namespace Catapults.ML.Scaling;

/// <summary>What a γ's learning-rate scan found.</summary>
/// <param name="GammaIndex">Position of γ in the grid.</param>
/// <param name="Gamma">γ.</param>
/// <param name="BestLearningRate">
/// η*(γ): the rate with the lowest final loss (<see cref="SweepCellResult.SelectionLoss"/>), refined below the lattice
/// spacing by <see cref="FeatureStrengthSweep.RefineBest"/>; null when every rate diverged.
/// </param>
/// <param name="BestLatticeLearningRate">The lattice rate of the best cell.</param>
/// <param name="BestLoss">The final loss of the best cell.</param>
/// <param name="HighestStableLearningRate">The largest rate that did not diverge.</param>
/// <param name="LowestDivergentAbove">The smallest diverging rate above <paramref name="HighestStableLearningRate"/>; null when none diverged there.</param>
/// <param name="Cells">Cells run for this γ.</param>
/// <param name="CatapultCountAtBest">Catapults in the batch-loss curve at η* (null without a counter).</param>
public sealed record GammaScanSummary(
    int GammaIndex,
    double Gamma,
    double? BestLearningRate,
    double? BestLatticeLearningRate,
    double? BestLoss,
    double? HighestStableLearningRate,
    double? LowestDivergentAbove,
    int Cells,
    int? CatapultCountAtBest)
{
    /// <summary>True when a divergent rate lies above the stable ones, so η* is not limited by the top of the scan.</summary>
    public bool StabilityEdgeBracketed => LowestDivergentAbove is not null;
}

/// <summary>The result of a <see cref="FeatureStrengthSweep"/>: every cell, each γ's η*, and the fitted slopes of log η* against log γ.</summary>
public sealed class SweepResult
{
    /// <summary>Creates the result.</summary>
    public SweepResult(IReadOnlyList<SweepCellResult> cells, IReadOnlyList<GammaScanSummary> gammas, LogLogFit? lazySlope,
        LogLogFit? richSlope, int executedCells, int reusedCells, TimeSpan wallTime)
    {
        Cells = cells; Gammas = gammas; LazySlope = lazySlope; RichSlope = richSlope;
        ExecutedCells = executedCells; ReusedCells = reusedCells; WallTime = wallTime;
    }

    /// <summary>Every cell, ordered by γ, then by decreasing η.</summary>
    public IReadOnlyList<SweepCellResult> Cells { get; }

    /// <summary>One summary per γ, in grid order.</summary>
    public IReadOnlyList<GammaScanSummary> Gammas { get; }

    /// <summary>Fit of log η* against log γ on the lazy side, γ &lt; 1 (the paper predicts slope 2); null with fewer than two points.</summary>
    public LogLogFit? LazySlope { get; }

    /// <summary>Fit of log η* against log γ on the rich side, γ &gt; 1 (the paper predicts slope 2/L); null with fewer than two points.</summary>
    public LogLogFit? RichSlope { get; }

    /// <summary>Cells trained by this call.</summary>
    public int ExecutedCells { get; }

    /// <summary>Cells whose finished results were loaded from the store (a resumed sweep).</summary>
    public int ReusedCells { get; }

    /// <summary>Wall time of this call.</summary>
    public TimeSpan WallTime { get; }
}
