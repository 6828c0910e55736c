using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Statistics.UpperTail at the ends of [0, 1]: a run whose every rise window holds a step above η_crit gives its spikes a
/// chance of exactly 1, which is a probability like any other. Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class UpperTailCertainTrialTests
{
    [Test]
    public void ACertainTrialAlwaysSucceedsAndAnImpossibleOneNever()
    {
        Assert.Multiple(() =>
        {
            // Two certain trials: two successes for sure.
            Assert.That(Statistics.UpperTail(new[] { 1.0, 1.0 }, 2), Is.EqualTo(1));
            // One certain and one fair trial: P(X ≥ 2) = 1 · 1/2.
            Assert.That(Statistics.UpperTail(new[] { 1.0, 0.5 }, 2), Is.EqualTo(0.5));
            // One impossible and one fair trial: two successes cannot happen, one happens half the time.
            Assert.That(Statistics.UpperTail(new[] { 0.0, 0.5 }, 2), Is.EqualTo(0));
            Assert.That(Statistics.UpperTail(new[] { 0.0, 0.5 }, 1), Is.EqualTo(0.5));
        });
    }

    // Found by mutation testing (7 Dec 2026, round 27B): the masses of 18 trials at 0.9 sum to a hair past 1 in floating
    // point, and a p-value above 1 is no probability.
    [Test]
    public void AChanceThatRoundsPastOneIsOne()
    {
        double chance = Statistics.UpperTail(Enumerable.Repeat(0.9, 18).ToList(), 1);
        Assert.That(chance, Is.LessThanOrEqualTo(1.0));
        Assert.That(chance, Is.EqualTo(1 - Math.Pow(0.1, 18)).Within(1e-15), "1 − P(no success)");
    }

    [Test]
    public void AProbabilityJustOutsideTheRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.UpperTail(new[] { 0.5, 1 + 1e-12 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.UpperTail(new[] { -1e-12, 0.5 }, 1));
    }
}
