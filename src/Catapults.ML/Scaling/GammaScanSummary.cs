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
/// <param name="HighestStableLearningRate">The largest rate that neither diverged nor froze (<see cref="SweepCellResult.Frozen"/>).</param>
/// <param name="LowestDivergentAbove">The smallest rate above <paramref name="HighestStableLearningRate"/> that diverged or froze; null when none did.</param>
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
