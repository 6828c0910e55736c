using Catapults.ML.Data;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// The staircase follow-up: the rank-4 task x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄ (four orthonormal terms, each of variance
/// 1, so the loss steps 4 → 3 → 2 → 1 → 0 as they are learned) at depth 2 and the two largest γ of the grid, with
/// a short rate scan. The η*(γ) sweeps use rank 2, whose single direction gives one plateau and one drop; several
/// directions to learn are what can make a staircase.
/// </summary>
internal static class StaircaseFollowUp
{
    public const string DirectoryName = "staircase-rank4";

    /// <summary>Each stage needs its own escape, so the budget is twice the depth-2 rule's.</summary>
    public const int BudgetMultiple = 2;

    /// <summary>The follow-up's settings (from the depth-2 sweep's <paramref name="shallow"/> settings), or null when the grid has no γ above 1.</summary>
    public static FeatureStrengthSettings? Settings(FeatureStrengthSettings study, FeatureStrengthSettings shallow)
    {
        var rich = shallow.Gammas().Where(g => g > 1).ToArray();
        if (rich.Length == 0) return null;
        double top = rich[^1];
        double bottom = rich.Length >= 2 ? rich[^2] : top;
        return shallow with
        {
            Task = SyntheticTaskKind.Rank4,
            InputDimension = Math.Max(4, study.InputDimension),
            Steps = study.Steps * BudgetMultiple,
            GammaMin = bottom,
            GammaMax = top,
            GammasPerDecade = bottom == top ? 1 : (int)Math.Max(1, Math.Round(1 / Math.Log10(top / bottom))),
            DecadesBelowFirstStable = 0.5,
            // The staircase is a picture of one run's loss curve, not a fitted quantity: one seed shows it.
            Seeds = 1,
        };
    }
}
