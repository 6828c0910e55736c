using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// γ = 1 belongs to the lazy side of the rule: <see cref="FeatureStrengthScaling.Exponent"/> is 2 for γ ≤ 1 and 2/L only
/// above 1. The rate itself cannot tell (1^e = 1 for any e), so only the exponent shows which side γ = 1 is on. Found
/// by mutation testing (round 9B).
/// </summary>
public sealed class FeatureStrengthExponentBoundaryTests
{
    [TestCase(1)]
    [TestCase(4)]
    public void GammaOneTakesTheLazyExponent(int depth)
    {
        var rule = new FeatureStrengthScaling(depth);
        Assert.That(rule.Exponent(1.0), Is.EqualTo(2.0));
        Assert.That(rule.Exponent(Math.BitDecrement(1.0)), Is.EqualTo(2.0));
        Assert.That(rule.Exponent(Math.BitIncrement(1.0)), Is.EqualTo(2.0 / depth));
    }

    [Test]
    public void BothBranchesMeetAtGammaOne()
    {
        var rule = new FeatureStrengthScaling(3, widthFactor: 8);
        Assert.That(rule.LearningRate(0.05, 1.0), Is.EqualTo(8 * 0.05).Within(1e-15));
        Assert.That(rule.BaseRate(0.4, 1.0), Is.EqualTo(0.05).Within(1e-15));
    }
}
