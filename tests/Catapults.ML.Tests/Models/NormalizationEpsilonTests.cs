using Catapults.ML.Models;
using TorchSharp;

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

    // The ε given is the one the forward pass divides by: values ±1 (mean 0, variance 1) normalise to ±1/√(1 + ε), so
    // ε = 1 gives ±1/√2. Found by mutation testing (round 33C): a GroupNorm that used the default 1e-5 in its forward
    // pass whatever it was given left every test green.
    [Test]
    public void TheForwardPassDividesByTheGivenEpsilon()
    {
        double expected = 1 / Math.Sqrt(2);
        using var group = new GroupNormalization("norm", 2, 1, epsilon: 1.0);
        using var maps = torch.tensor(new float[] { -1, 1 }).reshape(1, 2, 1, 1);
        using var groupOut = group.forward(maps);
        Assert.That(groupOut.data<float>().ToArray(), Is.EqualTo(new[] { -expected, expected }).Within(1e-6));
        using var layer = new FeatureLayerNormalization("norm", 2, epsilon: 1.0);
        using var tokens = torch.tensor(new float[] { -1, 1 }).reshape(1, 1, 2);
        using var layerOut = layer.forward(tokens);
        Assert.That(layerOut.data<float>().ToArray(), Is.EqualTo(new[] { -expected, expected }).Within(1e-6));
    }
}
