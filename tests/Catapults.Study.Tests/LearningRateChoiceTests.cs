using Catapults.Study.BatchSweep;

namespace Catapults.Study.Tests;

/// <summary>
/// The one η of a batch sweep: the critical-rate rule's geometric midpoint between the smallest batches' median
/// critical rate and the full batch's, the two overrides (a fixed rate wins over a fraction), and where the paper's
/// regime begins and ends. Found by mutation testing (6 Dec 2026, round 16B).
/// </summary>
public sealed class LearningRateChoiceTests
{
    // Given out of order on purpose: GD (n = 100) with one rate of 8, b = 5 with median 2, b = 50 with median 6.
    private static readonly BatchCriticalRates Gd = new(100, new[] { 8.0 });
    private static readonly BatchCriticalRates Five = new(5, new[] { 3.0, 1.0, 2.0 });
    private static readonly BatchCriticalRates Fifty = new(50, new[] { 6.0, 6.0 });
    private static readonly BatchCriticalRates[] Surveys = { Five, Gd, Fifty };

    [Test]
    public void TheRuleTakesTheGeometricMidpointOfTheSmallestBatchesMedianAndGd()
    {
        var choice = LearningRateChoice.Choose(8, Surveys, fraction: null, fixedRate: null);
        // √(2 × 8) = 4, from the smallest batch (b = 5), not the b = 50 batches (√(6 × 8) ≈ 6.93).
        Assert.That(choice.LearningRate, Is.EqualTo(4.0).Within(1e-12));
        Assert.That(choice.GdCriticalRate, Is.EqualTo(8.0));
        Assert.That(choice.Surveys.Select(s => s.BatchSize), Is.EqualTo(new[] { 100, 50, 5 }), "largest batch first");
        Assert.That(choice.Rule, Does.Contain("b = 5").And.Contain("√(2 × 8)"));
        Assert.That(choice.InPaperRegime, Is.True, "2 < 4 < 8");
    }

    [Test]
    public void AFractionScalesGdsCriticalRateAndAFixedRateOverridesBoth()
    {
        var fraction = LearningRateChoice.Choose(8, Surveys, fraction: 0.25, fixedRate: null);
        Assert.That(fraction.LearningRate, Is.EqualTo(2.0).Within(1e-12));
        Assert.That(fraction.Rule, Does.Contain("0.25 × η_crit(GD").And.Contain("--rate-fraction"));
        var fixedRate = LearningRateChoice.Choose(8, Surveys, fraction: 0.25, fixedRate: 0.3);
        Assert.That(fixedRate.LearningRate, Is.EqualTo(0.3));
        Assert.That(fixedRate.Rule, Does.Contain("--learning-rate"));
        Assert.That(fixedRate.Surveys.Select(s => s.BatchSize), Is.EqualTo(new[] { 100, 50, 5 }));
    }

    [Test]
    public void ThePapersRegimeIsStrictlyBetweenTheSmallestBatchesMedianAndGd()
    {
        bool Regime(double eta) => LearningRateChoice.Choose(8, Surveys, null, eta).InPaperRegime;
        Assert.That(Regime(3), Is.True);
        Assert.That(Regime(8), Is.False, "η at GD's own critical rate makes GD catapult");
        Assert.That(Regime(2), Is.False, "η at the median critical rate of the smallest batches");
        Assert.That(Regime(1.5), Is.False);
        Assert.That(Regime(9), Is.False);
        // Only the full batch surveyed: nothing is smaller than GD, so there is no regime to be in.
        Assert.That(LearningRateChoice.Choose(8, new[] { Gd }, null, 3).InPaperRegime, Is.False);
        Assert.That(new LearningRateChoice(3, 8, Array.Empty<BatchCriticalRates>(), "none").InPaperRegime, Is.False);
    }

    // Found by mutation testing (7 Dec 2026, round 31B): with one batch size surveyed nothing is smaller than the largest
    // batch, so there is no regime to be in, even where η lies between that batch size's median and η_crit(GD).
    [Test]
    public void OneBatchSizeSurveyedIsNeverThePapersRegime()
    {
        // 2 < η = 3 < 8 with the b = 5 survey alone; with GD surveyed beside it, the same η is in the regime.
        Assert.That(new LearningRateChoice(3, 8, new[] { Five }, "fixed").InPaperRegime, Is.False);
        Assert.That(new LearningRateChoice(3, 8, new[] { Gd, Five }, "fixed").InPaperRegime, Is.True);
    }
}
