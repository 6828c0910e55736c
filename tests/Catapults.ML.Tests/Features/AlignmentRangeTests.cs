using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// AgopAlignment.Cosine stays in its documented range [−1, 1] when rounding would push it out: ⟨I₃, I₃⟩ = 3 while
/// ‖I₃‖² = √3 · √3 rounds to 2.9999999999999996, so the raw quotient is 1 + 2⁻⁵². Found by mutation testing (round
/// 19C): without the clamp, every test still passed.
/// </summary>
[TestFixture]
public sealed class AlignmentRangeTests
{
    [Test]
    public void TheCosineOfAMatrixWithItselfIsOneEvenWhereItsNormRoundsLow()
    {
        using var scope = torch.NewDisposeScope();
        var identity = torch.eye(3, dtype: ScalarType.Float64);
        Assert.That(Math.Sqrt(3) * Math.Sqrt(3), Is.LessThan(3.0), "the premise: √3 · √3 rounds below 3");

        Assert.That(AgopAlignment.Cosine(identity, identity), Is.EqualTo(1.0));
        Assert.That(AgopAlignment.Cosine(-identity, identity), Is.EqualTo(-1.0));
    }
}
