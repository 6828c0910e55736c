using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="AgopAlignment.Cosine"/>'s power "must be positive": a power of 0 (G⁰ would be the identity on the range)
/// is refused by Cosine itself, naming its own argument <c>power</c>, not left to fail deeper inside
/// <see cref="SymmetricMatrices.Power"/> under another name. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class AlignmentPowerArgumentTests
{
    [TestCase(0.0)]
    [TestCase(-0.5)]
    public void ANonPositivePowerIsRefusedByName(double power)
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.tensor(new[] { 2.0, 1.0 }, ScalarType.Float64));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => AgopAlignment.Cosine(g, g, power));
        Assert.That(ex!.ParamName, Is.EqualTo("power"));
    }
}
