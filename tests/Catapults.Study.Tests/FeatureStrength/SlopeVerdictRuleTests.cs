using Catapults.ML.Scaling;
using Catapults.Study.FeatureStrength;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The slope rule on hand-built fits, at its edges: a fit of exactly <see cref="SlopeVerdict.MinimumPoints"/> γ is
/// judged, a slope exactly <see cref="SlopeVerdict.Tolerance"/> off still holds ("within", absolute), the deviation is
/// fitted minus predicted, a fit without a standard error shows no "±", the lattice's worst tilt needs two distinct γ,
/// and a depth below 1 is refused.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SlopeVerdictRuleTests
{
    private static LogLogFit Fit(double slope, int points, double standardError = 0.02) => new(slope, 0.0, standardError, 0.99, points);

    [Test]
    public void AFitOfExactlyTheMinimumNumberOfGammasIsJudged()
    {
        var holds = SlopeVerdict.Rich(2, Fit(1.05, SlopeVerdict.MinimumPoints));
        var fails = SlopeVerdict.Rich(2, Fit(1.5, SlopeVerdict.MinimumPoints));
        Assert.Multiple(() =>
        {
            Assert.That(holds.Outcome, Is.EqualTo(VerdictOutcome.Holds));
            Assert.That(holds.VerdictText, Is.EqualTo("holds"));
            Assert.That(fails.Outcome, Is.EqualTo(VerdictOutcome.Fails));
            Assert.That(fails.VerdictText, Is.EqualTo("fails"));
            Assert.That(SlopeVerdict.Rich(2, Fit(1.05, SlopeVerdict.MinimumPoints - 1)).VerdictText, Is.EqualTo("not tested (only 2 γ)"));
            Assert.That(SlopeVerdict.Rich(2, (LogLogFit?)null).VerdictText, Does.StartWith("not tested (fewer than 2 γ"));
        });
    }

    [Test]
    public void ASlopeExactlyTheToleranceAwayStillHolds()
    {
        // At L = 4 the prediction is 0.5; 0.65 and 0.35 lie 0.15 away (0.15000000000000002 in binary), 0.66 and 0.34 beyond.
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(4, Fit(0.65, 5)).Holds, Is.True);
            Assert.That(SlopeVerdict.Rich(4, Fit(0.35, 5)).Holds, Is.True);
            Assert.That(SlopeVerdict.Rich(4, Fit(0.66, 5)).Holds, Is.False);
            Assert.That(SlopeVerdict.Rich(4, Fit(0.34, 5)).Holds, Is.False);
        });
    }

    [Test]
    public void TheDeviationIsTheFittedSlopeMinusThePrediction()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(2, Fit(1.25, 5)).Deviation, Is.EqualTo(0.25).Within(1e-12));
            Assert.That(SlopeVerdict.Lazy(2, Fit(1.75, 5)).Deviation, Is.EqualTo(-0.25).Within(1e-12));
            Assert.That(SlopeVerdict.Lazy(2, (LogLogFit?)null).Deviation, Is.Null);
        });
    }

    [Test]
    public void ASlopeWithoutAStandardErrorShowsNoPlusOrMinus()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.Rich(3, Fit(0.6789, 5, standardError: 0.0512)).SlopeText, Is.EqualTo("0.68 ± 0.05"));
            Assert.That(SlopeVerdict.Rich(3, Fit(0.6789, 2, standardError: double.NaN)).SlopeText, Is.EqualTo("0.68"));
        });
    }

    [Test]
    public void TheLatticesWorstTiltIsUndefinedWithoutTwoDistinctGammas()
    {
        // "NaN for fewer than two distinct γ": none, one, or one repeated.
        Assert.Multiple(() =>
        {
            Assert.That(SlopeVerdict.LatticeWorstCase(Array.Empty<double>(), 0.25), Is.NaN);
            Assert.That(SlopeVerdict.LatticeWorstCase(new[] { 10.0 }, 0.25), Is.NaN);
            Assert.That(SlopeVerdict.LatticeWorstCase(new[] { 10.0, 10.0 }, 0.25), Is.NaN);
            Assert.That(SlopeVerdict.LatticeWorstCase(new[] { 10.0, 1000.0 }, 0.25), Is.EqualTo(0.125).Within(1e-12), "s / (u₂ − u₁)");
        });
    }

    [Test]
    public void ADepthBelowOneIsRefused()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SlopeVerdict.Rich(0, Fit(1, 5)));
            Assert.Throws<ArgumentOutOfRangeException>(() => SlopeVerdict.Lazy(0, Fit(2, 5)));
            Assert.That(SlopeVerdict.Rich(1, Fit(2, 5)).Predicted, Is.EqualTo(2.0));
        });
    }
}
