using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="SymmetricMatrices.PoweredEigenvalues"/> sets eigenvalues "at or below" the floor d · 2⁻²³ · λ_max to zero
/// for p &lt; 1. With d = 2 and λ_max = 1 the floor is exactly 2⁻²² in float64, so an eigenvalue equal to it must be
/// zeroed, and one just above it kept. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class EigenvalueFloorBoundaryTests
{
    [Test]
    public void AnEigenvalueExactlyAtTheFloorCountsAsZero()
    {
        using var scope = torch.NewDisposeScope();
        double floor = Math.Pow(2, -22);
        var at = SymmetricMatrices.PoweredEigenvalues(torch.tensor(new[] { 1.0, floor }, ScalarType.Float64), 0.5);
        Assert.That(at.data<double>().ToArray(), Is.EqualTo(new[] { 1.0, 0.0 }));

        double above = 2 * floor;
        var kept = SymmetricMatrices.PoweredEigenvalues(torch.tensor(new[] { 1.0, above }, ScalarType.Float64), 0.5);
        Assert.That(kept.data<double>().ToArray(), Is.EqualTo(new[] { 1.0, Math.Sqrt(above) }).Within(1e-18));
    }
}
