using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

// ε keeps the normalisations' division by √(var + ε) finite: a constant group or token (variance 0) with ε = 0 would
// normalise to NaN, so 0 is refused with the negative values and NaN.
public sealed class NormalizationEpsilonTests
{
    [TestCase(0.0)]
    [TestCase(-1e-5)]
    [TestCase(double.NaN)]
    public void AnEpsilonThatIsNotPositiveIsRefusedByName(double epsilon)
    {
        var group = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization("norm", 4, 2, epsilon));
        Assert.That(group!.ParamName, Is.EqualTo("epsilon"));
        Assert.That(group.Message, Does.StartWith("Epsilon must be positive."));
        var layer = Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureLayerNormalization("norm", 4, epsilon));
        Assert.That(layer!.ParamName, Is.EqualTo("epsilon"));
    }

    [Test]
    public void TheSmallestPositiveEpsilonIsAccepted()
    {
        using var group = new GroupNormalization("norm", 4, 2, double.Epsilon);
        Assert.That(group.Epsilon, Is.EqualTo(double.Epsilon));
    }
}
