using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// A centred AGOP whose trace is at most (32ε)² of the raw second moment is exactly zero (AgopOptions.Center): the floor
/// is 32 units of the gradients' epsilon, not one. Found by mutation testing (round 15A): a floor of one unit passed
/// every test.
/// </summary>
[TestFixture]
public sealed class AgopResolutionFloorTests
{
    [Test]
    public void AVarianceBetweenOneAndThirtyTwoUnitsOfResolutionIsZeroed()
    {
        // f(x) = x + c·x²/2 on x = ±1 in float64, c = 2⁻⁴⁹: the gradients 1 ± c are exact, so the centred AGOP is c²
        // before the floor, a relative size c² = 2⁻⁹⁸ ≈ 3.2e-30 of the second moment 1 + c²: above ε² = 2⁻¹⁰⁴ ≈ 4.9e-32,
        // below (32ε)² = 2⁻⁹⁴ ≈ 5.0e-29.
        const double c = 1.0 / (1L << 49);
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1.0, -1.0 }, ScalarType.Float64).reshape(2, 1);
        var centred = Agop.Compute(t => t + 0.5 * c * t.square(), 1, 1, x, new AgopOptions { Center = true });
        Assert.That(centred[0, 0].ToDouble(), Is.EqualTo(0.0));
    }
}
