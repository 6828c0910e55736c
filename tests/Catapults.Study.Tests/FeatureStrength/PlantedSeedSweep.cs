using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// A finished depth-2 study of two seeds built by hand, for the reports: --quick at two γ per decade (nine γ from 0.01
/// to 100, so three on each side of the crossover band) and seeds 0 and 1, whose η*(γ) is planted as γ² on the lazy
/// side and γ^RichSlope(seed) on the rich side (1.0 for seed 0, 1.4 for seed 1). Each γ and seed has seven lattice
/// rates around η* with log₁₀ loss = (log₁₀ η − log₁₀ η*)², so the parabolic refinement recovers η* exactly; the top
/// rate diverged, and at even γ numbers the lowest rate is frozen (its last three held-out losses equal).
/// Per seed: 63 cells, 9 diverged, 5 frozen.
/// </summary>
internal static class PlantedSeedSweep
{
    public static readonly FeatureStrengthSettings Study = FeatureStrengthSettings.Quick with
    {
        Depths = new[] { 2 }, GammasPerDecade = 2, Seeds = 2, Staircase = false,
    };

    public static FeatureStrengthSettings Depth2 => Study.ForDepth(2);

    public static double RichSlope(long seed) => seed == 0 ? 1.0 : 1.4;

    public static DepthSweep Build()
    {
        var s = Depth2;
        var options = s.SweepOptions();
        var perSeed = s.SeedList().Select(seed => FeatureStrengthSweep.Summarise(options, Cells(options.Gammas, seed, s.LevelSpacingDecades), 63, 0)).ToList();
        return new DepthSweep(2, s, FeatureStrengthSweep.CombineSeeds(options, s.SeedList(), perSeed));
    }

    private static IEnumerable<SweepCellResult> Cells(double[] gammas, long seed, double spacing)
    {
        for (int i = 0; i < gammas.Length; i++)
        {
            double g = gammas[i];
            double logStar = Math.Log10(g) * (g < 1 ? 2.0 : RichSlope(seed));
            int centre = (int)Math.Round(logStar / spacing);
            for (int level = centre - 3; level <= centre + 3; level++)
            {
                double rate = SweepCell.RateAtLevel(level, spacing);
                var cell = new SweepCell(i, g, level, rate);
                if (level == centre + 3)
                {
                    yield return new SweepCellResult
                    {
                        Cell = cell, Outcome = TrainingOutcome.Diverged, Steps = 3, DivergenceStep = 3,
                        DivergenceReason = "the batch loss is not finite", BatchLosses = new[] { 1.0, 50.0, 1e4 },
                    };
                    continue;
                }
                double d = Math.Log10(rate) - logStar;
                double loss = Math.Pow(10, d * d);
                bool frozen = level == centre - 3 && i % 2 == 0;
                yield return new SweepCellResult
                {
                    Cell = cell, Outcome = TrainingOutcome.BudgetReached, Steps = 10,
                    BatchLosses = Enumerable.Repeat(loss, 10).ToArray(), TestLossSteps = new[] { 0, 5, 10 },
                    TestLosses = frozen ? new[] { loss, loss, loss } : new[] { 2 * loss + 1, 1.5 * loss, loss },
                    FinalOnlineLoss = loss, FinalTestLoss = loss,
                };
            }
        }
    }
}
