using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// A fractional power clamps negative eigenvalues to zero (<see cref="SymmetricMatrices.Power"/>), so the p = ½ power
/// of a matrix whose eigenvalues are all ≤ 0 is the zero matrix and <see cref="AgopAlignment.Cosine"/> must refuse it
/// as a zero AGOP, at any scale: the rescaled path taken for a zero norm keeps such a matrix zero too, instead of
/// dividing by a negative top eigenvalue and turning −G into G. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class AlignmentOfANonPositiveMatrixTests
{
    [TestCase(1.0)]
    [TestCase(1e-3)]
    public void TheHalfPowerOfANegativeDefiniteMatrixIsAZeroAgop(double scale)
    {
        using var scope = torch.NewDisposeScope();
        var reference = torch.eye(3, dtype: ScalarType.Float64);
        var negative = torch.diag(torch.tensor(new[] { -2.0, -1.0, -0.5 }, ScalarType.Float64)) * scale;

        var ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(negative, reference, power: 0.5));
        Assert.That(ex!.Message, Does.Contain("The AGOP is zero"));
    }
}
