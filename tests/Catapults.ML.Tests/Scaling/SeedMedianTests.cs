using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>η* over seeds: the median rule, the slopes fitted to the medians, and seeds as members of one ensemble.</summary>
public class SeedMedianTests
{
    private const double Spacing = 0.25;

    [Test]
    public void TheMedianIsTakenInLogRateOverTheSeedsThatHaveOne()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 10, 1000, 100 }), Is.EqualTo(100).Within(1e-9), "odd count: the middle one");
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 1, 100 }), Is.EqualTo(10).Within(1e-9), "even count: the geometric mean of the middle two");
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 5 }), Is.EqualTo(5).Within(1e-12), "one seed: its own η*");
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 2, null, 8 }), Is.EqualTo(4).Within(1e-9), "two of three seeds: the median of those two");
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 2, null, null }), Is.Null, "one of three seeds is no majority");
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 2, null }), Is.Null, "half is no majority");
            Assert.That(FeatureStrengthSweep.MedianRate(Array.Empty<double?>()), Is.Null);
            Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 1, 1, 1e6 }), Is.EqualTo(1).Within(1e-12), "one outlying seed does not move it");
        });
        Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.MedianRate(new double?[] { 1, 0, 2 }));
        Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.MedianRate(new double?[] { 1, double.NaN, 2 }));
    }

    // Four seeds, unevenly spread: the middle two (10⁻², 10⁻¹) give 10^-1.5, the outer two (10⁻⁴, 1) would give 10⁻².
    // Found by mutation testing (round 15A): with only two (or symmetric) rates, a mean of the extremes passed every test.
    [Test]
    public void AnEvenCountTakesTheMiddleTwoNotTheExtremes() =>
        Assert.That(FeatureStrengthSweep.MedianRate(new double?[] { 1, 1e-4, 1e-1, 1e-2 }), Is.EqualTo(Math.Pow(10, -1.5)).Within(1e-12));

    /// <summary>A planted sweep of one seed: lattice cells around η*(γ) = 100·γ^slope, shifted by <paramref name="shift"/> decades at γ number <paramref name="shifted"/>.</summary>
    private static SweepResult Plant(FeatureStrengthSweepOptions options, double lazySlope, double richSlope, int shifted = -1, double shift = 0)
    {
        var cells = new List<SweepCellResult>();
        for (int i = 0; i < options.Gammas.Length; i++)
        {
            double g = options.Gammas[i];
            double logStar = 2 + Math.Log10(g) * (g <= 1 ? lazySlope : richSlope) + (i == shifted ? shift : 0);
            int centre = (int)Math.Round(logStar / Spacing);
            for (int level = centre - 3; level <= centre + 3; level++)
            {
                double d = level * Spacing - logStar;
                cells.Add(new SweepCellResult
                {
                    Cell = new SweepCell(i, g, level, SweepCell.RateAtLevel(level, Spacing)),
                    Outcome = TrainingOutcome.BudgetReached,
                    FinalTestLoss = 0.1 * (1 + d * d),
                });
            }
        }
        return FeatureStrengthSweep.Summarise(options, cells);
    }

    [Test]
    public void SlopesAreFittedToTheMediansSoOneOutlyingSeedDoesNotTiltThem()
    {
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = FeatureStrengthSweepOptions.LogGrid(1e-3, 1e3, 13), LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1, SlopeFitExclusionDecades = 1,
        };
        // Seed 7 puts the largest γ's η* a decade low, as one noisy seed did at L = 3: alone it tilts its own rich slope.
        var seeds = new long[] { 5, 6, 7 };
        var perSeed = new[] { Plant(options, 2, 2.0 / 3), Plant(options, 2, 2.0 / 3), Plant(options, 2, 2.0 / 3, shifted: 12, shift: -1) };
        var combined = FeatureStrengthSweep.CombineSeeds(options, seeds, perSeed);
        Assert.Multiple(() =>
        {
            Assert.That(combined.RichSlope!.Slope, Is.EqualTo(2.0 / 3).Within(0.05), "the median fit recovers the planted slope");
            Assert.That(combined.RichSlope.Points, Is.EqualTo(5));
            Assert.That(combined.LazySlope!.Slope, Is.EqualTo(2.0).Within(0.05));
            Assert.That(combined.PerSeedRichSlopes[2]!.Value, Is.LessThan(2.0 / 3 - 0.15), "the outlying seed alone would fail");
            Assert.That(combined.PerSeedRichSlopes[0]!.Value, Is.EqualTo(2.0 / 3).Within(0.05));
            Assert.That(combined.Gammas[12].SpreadDecades, Is.EqualTo(1.0).Within(0.05), "the spread shows the outlier");
            Assert.That(combined.Gammas[12].Median, Is.EqualTo(combined.Gammas[12].PerSeed[0]), "the median is a typical seed's η*");
            Assert.That(combined.Seeds, Is.EqualTo(seeds));
        });
        Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.CombineSeeds(options, new long[] { 5, 5, 7 }, perSeed), "repeated seeds");
        Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.CombineSeeds(options, new long[] { 5, 6 }, perSeed), "a sweep without its seed");
    }

    [Test]
    public void SeedsTrainedAsMembersOfOneEnsembleMatchTheirSingleRuns()
    {
        // Two seeds × two rates in one ensemble: each member must train as the single run of its own seed does (its own
        // initial weights, online stream and held-out set), within float32 rounding.
        var spec = new FeatureStrengthCellSpec
        {
            Task = SyntheticTaskKind.Rank2, InputDimension = 8, Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 16 },
            Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = 60, BatchSize = 16 }, HeldOutCount = 200, EvaluateEvery = 20,
        };
        var cells = new List<(FeatureStrengthCellSpec Spec, SweepCell Cell)>();
        foreach (long seed in new long[] { 0, 3 })
            foreach (int level in new[] { 2, 4 })
            {
                var cell = new SweepCell(0, 10.0, level, SweepCell.RateAtLevel(level, Spacing));
                var s = spec.At(cell.Gamma, cell.LearningRate);
                s.Seed = seed;
                cells.Add((s, cell));
            }
        var together = FeatureStrengthCellRunner.RunEnsemble(cells);
        var single = cells.Select(c => FeatureStrengthCellRunner.Run(c.Spec, c.Cell)).ToList();
        Assert.Multiple(() =>
        {
            for (int i = 0; i < cells.Count; i++)
            {
                Assert.That(together[i].Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), $"member {i}");
                Assert.That(together[i].TestLossSteps, Is.EqualTo(single[i].TestLossSteps), $"member {i}");
                for (int k = 0; k < single[i].TestLosses.Length; k++)
                    Assert.That(together[i].TestLosses[k], Is.EqualTo(single[i].TestLosses[k]).Within(1e-4).Percent, $"member {i}, held-out loss {k}");
                Assert.That(together[i].BatchLosses[^1], Is.EqualTo(single[i].BatchLosses[^1]).Within(1e-4).Percent, $"member {i}, last batch loss");
            }
            // The seeds really differ: the same rate gives another held-out loss at step 0 (other weights and held-out set).
            Assert.That(together[2].TestLosses[0], Is.Not.EqualTo(together[0].TestLosses[0]).Within(1e-6).Percent);
        });
    }
}
