using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The feature-strength settings' bounds at their edges: the last seed may be long.MaxValue, --decades-below may be
/// 0, and a γ grid of more than MaxGammas values (counting both ends) is refused. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class FeatureStrengthSettingsTests
{
    [Test]
    public void TheSeedsMayEndAtTheLargestLong()
    {
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { Seed = long.MaxValue, Seeds = 1 }).Validate());
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { Seed = long.MaxValue - 2, Seeds = 3 }).Validate());
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { Seed = long.MaxValue - 1, Seeds = 3 }).Validate());
        Assert.That(ex!.Message, Does.StartWith($"--seed {long.MaxValue - 1} leaves no room for 3 consecutive seeds"));
    }

    [Test]
    public void NoDecadesBelowTheFirstStableRateAreAllowed() =>
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { DecadesBelowFirstStable = 0 }).Validate());

    // Ten decades at 100 per decade is 1,001 values of γ with both ends: one more than the limit.
    [Test]
    public void AGridOfOneMoreThanTheLimitIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            (FeatureStrengthSettings.Quick with { GammaMin = 1, GammaMax = 1e10, GammasPerDecade = 100 }).Validate());
        Assert.That(ex!.Message, Is.EqualTo(
            $"--gamma-min, --gamma-max and --gammas-per-decade give more than {FeatureStrengthSettings.MaxGammas} values of γ; narrow the range or the density."));
    }

    [TestCase(-0.5)]
    [TestCase(double.NaN)]
    public void ANegativeOrUndefinedCrossoverBandIsRefused(double band)
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { SlopeFitExclusionDecades = band }).Validate());
        Assert.That(ex!.Message, Does.StartWith("--fit-exclude-decades must be ≥ 0"));
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { SlopeFitExclusionDecades = 0 }).Validate());
    }

    [Test]
    public void TheStepBudgetMayNotShrinkWithGammaButMayStayFlat()
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { StepGrowthPerDecade = -0.1 }).Validate());
        Assert.That(ex!.Message, Does.StartWith("--step-growth must be in 0..100"));
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { StepGrowthPerDecade = 0 }).Validate());
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { StepGrowthPerDecade = 100 }).Validate());
    }

    [Test]
    public void AGammaRangeMayBeOneGammaButNotReversed()
    {
        var one = FeatureStrengthSettings.Quick with { GammaMin = 10, GammaMax = 10 };
        Assert.DoesNotThrow(() => one.Validate());
        Assert.That(one.Gammas(), Is.EqualTo(new[] { 10.0 }));
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { GammaMin = 100, GammaMax = 10 }).Validate());
        Assert.That(ex!.Message, Does.StartWith("--gamma-min and --gamma-max must satisfy 0 < min ≤ max, got 100 and 10"));
    }

    // Every seed's cells must train at that seed: otherwise the median over seeds is a median of copies.
    [Test]
    public void EachSeedsCellsTrainAtThatSeed()
    {
        var study = FeatureStrengthSettings.Quick with { Seed = 4, Seeds = 3 };
        Assert.Multiple(() =>
        {
            Assert.That(study.SeedList(), Is.EqualTo(new long[] { 4, 5, 6 }));
            foreach (long seed in study.SeedList())
                Assert.That(study.ForDepth(3).ForSeed(seed).CellSpec(10, 0.1).Seed, Is.EqualTo(seed));
        });
    }

    // A store's manifest binds its rates to what they computed: neither how many seeds run beside it nor whether the
    // staircase follows may change it, or a rerun with another --seeds or --staircase would throw finished rates away.
    [Test]
    public void ASeedsStoreManifestDependsOnlyOnWhatItsRatesCompute()
    {
        var three = FeatureStrengthSettings.Quick with { Seeds = 3 };
        var five = FeatureStrengthSettings.Quick with { Seeds = 5, Staircase = false };
        Assert.Multiple(() =>
        {
            Assert.That(five.ForDepth(3).ForSeed(1).Manifest(), Is.EqualTo(three.ForDepth(3).ForSeed(1).Manifest()));
            Assert.That(three.ForDepth(3).ForSeed(1).Manifest(), Is.Not.EqualTo(three.ForDepth(3).ForSeed(2).Manifest()));
        });
    }

    // Which γ enter each fit follows --fit-exclude-decades: on the quick grid (0.01 … 100, one per decade) a band of 1
    // keeps 0.01, 0.1 and 10, 100; a band of 1.5 leaves one γ a side, too few to fit.
    [Test]
    public void TheCrossoverBandDecidesWhichGammasEnterTheFits()
    {
        static ML.Scaling.SweepResult Planted(FeatureStrengthSettings s)
        {
            var options = s.SweepOptions();
            var cells = options.Gammas.SelectMany((g, i) => Enumerable.Range(-1, 3).Select(k =>
                SyntheticSweepPhysics.Result(new ML.Scaling.SweepCell(i, g, k, ML.Scaling.SweepCell.RateAtLevel(k, 0.25))) with
                {
                    Outcome = ML.Training.TrainingOutcome.BudgetReached, DivergenceStep = null, FinalTestLoss = 1 + k * k,
                }));
            return ML.Scaling.FeatureStrengthSweep.Summarise(options, cells);
        }
        var one = Planted(FeatureStrengthSettings.Quick);
        var wide = Planted(FeatureStrengthSettings.Quick with { SlopeFitExclusionDecades = 1.5 });
        Assert.Multiple(() =>
        {
            Assert.That(one.LazySlope?.Points, Is.EqualTo(2));
            Assert.That(one.RichSlope?.Points, Is.EqualTo(2));
            Assert.That(wide.LazySlope, Is.Null);
            Assert.That(wide.RichSlope, Is.Null);
        });
    }

    // 1 … 50 is 1.7 decades: at one γ per decade the nearest count of steps is 2, so three γ, not two.
    [Test]
    public void ARangeOfPartDecadesGetsTheNearestCountOfGammas()
    {
        var gammas = (FeatureStrengthSettings.Quick with { GammaMin = 1, GammaMax = 50, GammasPerDecade = 1 }).Gammas();
        Assert.That(gammas, Is.EqualTo(new[] { 1, Math.Sqrt(50), 50 }).Within(1e-9));
    }

    [Test]
    public void TheLargestWidthBatchAndDepthAreAllowed()
    {
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { Width = FeatureStrengthSettings.MaxWidth }).Validate());
            Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { BatchSize = FeatureStrengthSettings.MaxBatchSize }).Validate());
            Assert.DoesNotThrow(() => FeatureStrengthSettings.Quick.ForDepth(65).Validate());
            Assert.That(Assert.Throws<ArgumentException>(() => FeatureStrengthSettings.Quick.ForDepth(66).Validate())!.Message,
                Does.StartWith("--depths must all be at most 65 (64 hidden layers), got 66."));
        });
    }

    // The cell's own check would refuse these too, but naming "Steps" or "HiddenWidths" rather than the option to fix.
    [TestCase(0, 32, "--steps must be at least 1, got 0.")]
    [TestCase(150, 0, "--width must be at least 1, got 0.")]
    public void ANoStepOrNoWidthNetworkIsRefusedByItsOption(int steps, int width, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { Steps = steps, Width = width }).Validate());
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    // Found by mutation testing (round 24B). A density of 0 gave a grid of one γ without a word, and a negative
    // --decades-below passed every later check (the command line refuses only an infinite one, when parsing).
    [Test]
    public void AGridOfNoGammasPerDecadeIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { GammasPerDecade = 0 }).Validate());
        Assert.That(ex!.Message, Is.EqualTo("--gammas-per-decade must be at least 1, got 0."));
    }

    [Test]
    public void ANegativeDecadesBelowIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { DecadesBelowFirstStable = -0.5 }).Validate());
        Assert.That(ex!.Message, Is.EqualTo("--decades-below must be finite and ≥ 0, got -0.5."));
    }

    // The command-line check of 65 seeds runs a sweep first when the bound is lost; this one is instant.
    [Test]
    public void AtMostMaxSeedsSeedsAreAllowed()
    {
        Assert.DoesNotThrow(() => (FeatureStrengthSettings.Quick with { Seeds = FeatureStrengthSettings.MaxSeeds }).Validate());
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { Seeds = FeatureStrengthSettings.MaxSeeds + 1 }).Validate());
        Assert.That(ex!.Message, Is.EqualTo("--seeds must be in 1..64 (each seed is a whole sweep), got 65."));
    }

    // A γ range starting at 0 was refused only by the grid-size check ("more than 1000 values of γ"), which names
    // the wrong fault. Found by mutation testing (round 24B).
    [Test]
    public void AGammaRangeFromZeroIsRefusedAsARange()
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { GammaMin = 0 }).Validate());
        Assert.That(ex!.Message, Does.StartWith("--gamma-min and --gamma-max must satisfy 0 < min ≤ max, got 0 and 100"));
    }
    // The presets' summaries (and the options' help) state their widths, budgets, grids and seeds; the option tests
    // compare against the presets themselves, so a changed preset passed them. Found by mutation testing (round 32B).
    [Test]
    public void ThePresetsAreWhatTheirSummariesState()
    {
        var d = FeatureStrengthSettings.Default;
        var q = FeatureStrengthSettings.Quick;
        Assert.Multiple(() =>
        {
            Assert.That(d.Depths, Is.EqualTo(new[] { 2, 3, 4 }));
            Assert.That(d.Gammas(), Has.Length.EqualTo(13));
            Assert.That((d.GammaMin, d.GammaMax), Is.EqualTo((1e-3, 1e3)));
            Assert.That(d.Width, Is.EqualTo(64));
            Assert.That(d.Steps, Is.EqualTo(1000));
            Assert.That(d.Seeds, Is.EqualTo(5));
            Assert.That(q.Depths, Is.EqualTo(new[] { 2, 3, 4 }));
            Assert.That(q.Gammas(), Is.EqualTo(new[] { 1e-2, 1e-1, 1, 10, 100 }).Within(1e-9));
            Assert.That(q.Width, Is.EqualTo(32));
            Assert.That(q.Steps, Is.EqualTo(150));
            Assert.That(q.Seeds, Is.EqualTo(1));
            Assert.That((q.HeldOutCount, q.EvaluateEvery, q.DecadesBelowFirstStable), Is.EqualTo((200, 10, 0.5)));
        });
    }

    // Validate alone must refuse a depth below 2 or a repeated one, naming --depths: the plan's per-depth check
    // would refuse depth 1 only as "a depth must be at least 2", and a repeated depth not at all, its two sweeps
    // sharing one folder. Found by mutation testing (round 32B).
    [TestCase(new[] { 1, 2 }, "--depths must all be at least 2 (one hidden layer), got 1.")]
    [TestCase(new[] { 2, 2 }, "--depths must not repeat a depth.")]
    public void ADepthBelowTwoOrRepeatedIsRefusedByDepths(int[] depths, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => (FeatureStrengthSettings.Quick with { Depths = depths }).Validate());
        Assert.That(ex!.Message, Is.EqualTo(message));
    }
}
