using Catapults.Study.Infrastructure;
using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests;

/// <summary>
/// The feature-strength verdicts on planted sweeps: cells whose loss is lowest at a planted η*(γ) = γ^s go through the
/// sweep's own summary (η* per γ, parabolic refinement, slope fits), and the verdict must hold when s is the
/// prediction (or within the tolerance of it) and fail when it is not, or when too few γ support the fit.
/// </summary>
public sealed class FeatureStrengthVerdictTests
{
    private const double Spacing = 0.25;

    /// <summary>
    /// A planted sweep: for each γ, lattice rates around η*(γ) = c·γ^(lazy or rich slope), with held-out loss
    /// 0.1·(1 + (log₁₀ η − log₁₀ η*)²), so the refined η* recovers the planted one.
    /// </summary>
    private static SweepResult Plant(double[] gammas, double lazySlope, double richSlope, double exclusion = 1.0)
    {
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = gammas, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1.0, SlopeFitExclusionDecades = exclusion,
        };
        var cells = new List<SweepCellResult>();
        for (int i = 0; i < gammas.Length; i++)
        {
            double g = gammas[i];
            double logStar = 2 + Math.Log10(g) * (g <= 1 ? lazySlope : richSlope);
            int centre = (int)Math.Round(logStar / Spacing);
            for (int level = centre - 4; level <= centre + 3; level++)
            {
                double rate = SweepCell.RateAtLevel(level, Spacing);
                bool diverged = level == centre + 3;
                double d = Math.Log10(rate) - logStar;
                cells.Add(new SweepCellResult
                {
                    Cell = new SweepCell(i, g, level, rate),
                    Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
                    FinalTestLoss = diverged ? null : 0.1 * (1 + d * d),
                });
            }
        }
        return FeatureStrengthSweep.Summarise(options, cells);
    }

    private static readonly double[] Grid = FeatureStrengthSweepOptions.LogGrid(1e-3, 1e3, 13);

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void ThePredictedSlopesHold(int depth)
    {
        var result = Plant(Grid, 2.0, 2.0 / depth);
        var rich = SlopeVerdict.Rich(depth, result);
        var lazy = SlopeVerdict.Lazy(depth, result);
        Assert.Multiple(() =>
        {
            Assert.That(rich.Fit!.Slope, Is.EqualTo(2.0 / depth).Within(0.05), "the planted rich slope comes back");
            Assert.That(rich.Fit.Points, Is.EqualTo(5));
            Assert.That(rich.Holds, Is.True);
            Assert.That(rich.VerdictText, Is.EqualTo("holds"));
            Assert.That(lazy.Fit!.Slope, Is.EqualTo(2.0).Within(0.05));
            Assert.That(lazy.Holds, Is.True);
        });
    }

    [Test]
    public void AnotherDepthsSlopeFails()
    {
        // Depth 3 judged against a sweep that follows depth 2's slope (1 instead of 2/3): off by 0.33.
        var result = Plant(Grid, 2.0, 1.0);
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(3, result).Holds, Is.False);
            Assert.That(SlopeVerdict.Rich(3, result).VerdictText, Is.EqualTo("fails"));
            Assert.That(SlopeVerdict.Rich(3, result).Outcome, Is.EqualTo(VerdictOutcome.Fails));
            Assert.That(SlopeVerdict.Rich(2, result).Holds, Is.True);
        });
    }

    [Test]
    public void TheToleranceIsTheBoundary()
    {
        // Planted 0.1 inside and 0.25 outside the ±0.15 tolerance, on both sides of the prediction.
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(4, Plant(Grid, 2.0, 0.5 + 0.1)).Holds, Is.True);
            Assert.That(SlopeVerdict.Rich(4, Plant(Grid, 2.0, 0.5 - 0.1)).Holds, Is.True);
            Assert.That(SlopeVerdict.Rich(4, Plant(Grid, 2.0, 0.5 + 0.25)).Holds, Is.False);
            Assert.That(SlopeVerdict.Rich(4, Plant(Grid, 2.0, 0.5 - 0.25)).Holds, Is.False);
            Assert.That(SlopeVerdict.Lazy(4, Plant(Grid, 1.7, 0.5)).Holds, Is.False);
            Assert.That(SlopeVerdict.Lazy(4, Plant(Grid, 1.9, 0.5)).Holds, Is.True);
        });
    }

    [Test]
    public void TooFewGammasLeaveTheSlopeNotTested()
    {
        // Two rich γ fit any slope exactly: no verdict can rest on them.
        var result = Plant(FeatureStrengthSweepOptions.LogGrid(1e-2, 1e2, 5), 2.0, 1.0);
        var rich = SlopeVerdict.Rich(2, result);
        Assert.Multiple(() =>
        {
            Assert.That(rich.Fit!.Points, Is.EqualTo(2));
            Assert.That(rich.Fit.Slope, Is.EqualTo(1.0).Within(0.05));
            Assert.That(rich.Outcome, Is.EqualTo(VerdictOutcome.NotTested));
            Assert.That(rich.VerdictText, Is.EqualTo("not tested (only 2 γ)"));
        });
    }

    [Test]
    public void NoFitLeavesTheSlopeNotTested()
    {
        var result = Plant(new[] { 10.0 }, 2.0, 1.0);
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(2, result).Fit, Is.Null);
            Assert.That(SlopeVerdict.Rich(2, result).Outcome, Is.EqualTo(VerdictOutcome.NotTested));
            Assert.That(SlopeVerdict.Rich(2, result).SlopeText, Is.EqualTo("—"));
        });
    }

    [Test]
    public void StepBudgetFollowsItsRule()
    {
        var settings = FeatureStrengthSettings.Default;
        Assert.Multiple(() =>
        {
            Assert.That(settings.ForDepth(2).StepsAt(0.01), Is.EqualTo(1000));
            Assert.That(settings.ForDepth(2).StepsAt(1), Is.EqualTo(1000));
            Assert.That(settings.ForDepth(2).StepsAt(1000), Is.EqualTo(4000));
            Assert.That(settings.ForDepth(4).StepsAt(100), Is.EqualTo(6000));
            Assert.That(settings.ForDepth(3).CellSpec(10, 1).Steps, Is.EqualTo(3000));
            Assert.That(settings.ForDepth(3).CellSpec(10, 1).Network, Is.EqualTo(FeatureStrengthCellSpec.DefaultNetwork with { Architecture = "fcn-3", Width = settings.Width }));
        });
    }

    [Test]
    public void EveryGammaIsComparedAtTheSameCommonStep()
    {
        // --quick at L = 3: steps(γ ≤ 1) = 225 with an evaluation every 10 steps, so a cell of γ ≤ 1 is last read at its
        // own final step 225 and one of γ > 1 at 220; the common budget must be a step that every γ has.
        var quick = FeatureStrengthSettings.Quick.ForDepth(3);
        Assert.Multiple(() =>
        {
            Assert.That(quick.StepsAt(1), Is.EqualTo(225));
            Assert.That(FeatureStrengthStudyReport.CommonEvaluationStep(quick), Is.EqualTo(220));
            Assert.That(FeatureStrengthStudyReport.CommonEvaluationStep(FeatureStrengthSettings.Default.ForDepth(3)), Is.EqualTo(1500));
        });
    }

    [Test]
    public void DeviationsKeepOneSignEvenWhenTheyRoundToZero()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.FormatDeviation(0.0612), Is.EqualTo("+0.06"));
            Assert.That(SlopeVerdict.FormatDeviation(-0.151), Is.EqualTo("-0.15"));
            Assert.That(SlopeVerdict.FormatDeviation(-0.004), Is.EqualTo("+0.00"), "a deviation that rounds to zero has no sign to show");
            Assert.That(SlopeVerdict.FormatDeviation(0.004), Is.EqualTo("+0.00"));
        });
    }

    [Test]
    public void TheDefaultMedianHasTheSeedsItsSampleSizeRuleGives()
    {
        // The rule stated on FeatureStrengthSettings.Seeds: the smallest odd K with 1.25 s / √K ≤ tolerance / 2, where
        // s is the pooled spread of the seeds' own rich slopes in the two earlier three-seed runs.
        int k = 1;
        while (1.2533 * FeatureStrengthSettings.PooledSeedSlopeSpread / Math.Sqrt(k) > SlopeVerdict.Tolerance / 2) k += 2;
        Assert.That(FeatureStrengthSettings.Default.Seeds, Is.EqualTo(k));
    }

    // The rule's reasoning counted a two-decade fit's ends (0.125); over five γ the least-squares slope can tilt more.
    // Checked against every choice of ±half a level at each γ, not the closed form's own algebra.
    [TestCase(new[] { 10.0, 1000 }, 0.125)]
    [TestCase(new[] { 10.0, 31.6227766, 100, 316.227766, 1000 }, 0.15)]
    [TestCase(new[] { 10.0, 31.6227766, 100 }, 0.25)]
    public void TheLatticesWorstTiltIsTheLargestOverEverySignOfHalfALevel(double[] gammas, double expected)
    {
        var u = gammas.Select(Math.Log10).ToArray();
        double mean = u.Average();
        double bruteForce = 0;
        for (int signs = 0; signs < 1 << u.Length; signs++)
        {
            var e = u.Select((_, i) => ((signs >> i) & 1) == 1 ? Spacing / 2 : -Spacing / 2).ToArray();
            double em = e.Average();
            double slope = u.Select((x, i) => (x - mean) * (e[i] - em)).Sum() / u.Select(x => (x - mean) * (x - mean)).Sum();
            bruteForce = Math.Max(bruteForce, Math.Abs(slope));
        }
        Assert.That(SlopeVerdict.LatticeWorstCase(gammas, Spacing), Is.EqualTo(bruteForce).Within(1e-12));
        Assert.That(bruteForce, Is.EqualTo(expected).Within(1e-6));
        Assert.That(SlopeVerdict.LatticeWorstCase(new[] { 10.0 }, Spacing), Is.NaN);
    }
}
