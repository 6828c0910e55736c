using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// Two matrices of entries near 1e-160 have normal norms (about 1e-160 each) but a subnormal product of norms (about
/// 1e-320) and a subnormal inner product, which have lost most of their digits: the cosine must be measured again on the
/// rescaled matrices, not divided out directly. Found by mutation testing (round 15A): dropping the check on the product
/// of the norms passed every test, and gave the cosine below to about 2e-5.
/// </summary>
[TestFixture]
public sealed class AlignmentSubnormalProductTests
{
    [Test]
    public void TinyMatricesWhoseNormsMultiplyToASubnormalGiveTheTrueCosine()
    {
        using var scope = torch.NewDisposeScope();
        // A = [[2, 1], [1, 3]], B = diag(1, 2): ⟨A, B⟩ = 8, ‖A‖ = √15, ‖B‖ = √5, so cos = 8/√75.
        var a = torch.tensor(new[,] { { 2.0, 1.0 }, { 1.0, 3.0 } }, ScalarType.Float64) * 1e-160;
        var b = torch.tensor(new[,] { { 1.0, 0.0 }, { 0.0, 2.0 } }, ScalarType.Float64) * 1e-160;
        Assert.That(AgopAlignment.Cosine(a, b), Is.EqualTo(8 / Math.Sqrt(75)).Within(1e-12));
    }
}
