using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// A synthetic "physics" for the γ–η scans, with a known edge of stability and a known optimum, so that every decision
/// of the scans can be checked exactly: η_edge(γ) = 3γ² (γ ≤ 1) or 3γ (γ &gt; 1), above which a cell diverges at step
/// 3; below it log₁₀ of the loss is a parabola in log₁₀ η with its minimum at η_edge / 4.
/// </summary>
internal static class SyntheticSweepPhysics
{
    /// <summary>The edge of stability at <paramref name="gamma"/>.</summary>
    public static double Edge(double gamma) => gamma <= 1 ? 3 * gamma * gamma : 3 * gamma;

    /// <summary>What training <paramref name="cell"/> gives.</summary>
    public static SweepCellResult Result(SweepCell cell)
    {
        double edge = Edge(cell.Gamma);
        bool diverged = cell.LearningRate > edge;
        double distance = Math.Log10(cell.LearningRate / (edge / 4));
        double loss = Math.Pow(10, distance * distance - 1);
        return new SweepCellResult
        {
            Cell = cell,
            Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
            DivergenceStep = diverged ? 3 : null,
            DivergenceReason = diverged ? "the batch loss is not finite" : null,
            Steps = diverged ? 3 : 10,
            FinalOnlineLoss = diverged ? null : loss,
            FinalTestLoss = diverged ? null : loss,
            BatchLosses = diverged ? new[] { 1.0, 50.0, 1e4 } : new[] { 1.0, 30.0, 0.5, 0.3, 40.0, 0.2, 0.2, 0.1, loss, loss },
        };
    }
}
