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

    [Test]
    public void AProbabilityJustOutsideTheRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.UpperTail(new[] { 0.5, 1 + 1e-12 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.UpperTail(new[] { -1e-12, 0.5 }, 1));
    }
}
