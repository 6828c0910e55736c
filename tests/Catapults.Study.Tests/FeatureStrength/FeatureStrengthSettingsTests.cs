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
}
