using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// The Frobenius cosine of two symmetric matrices that are not PSD can be negative, and AgopAlignment.Cosine documents
/// its range as [−1, 1]: a clamp to [0, 1] would report an anti-aligned pair as orthogonal. Found by mutation testing
/// (round 12A, 6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class AlignmentSignTests
{
    [Test]
    public void AnAntiAlignedPairHasTheNegativeHandComputedCosine()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.tensor(new[] { 1.0, 2.0, 2.0, 0.0 }, ScalarType.Float64).reshape(2, 2);
        var r = torch.tensor(new[] { 0.0, -1.0, -1.0, 1.0 }, ScalarType.Float64).reshape(2, 2);
        // ⟨G, G*⟩ = −4, ‖G‖ = 3, ‖G*‖ = √3.
        double expected = -4.0 / (3.0 * Math.Sqrt(3.0));

        Assert.That(AgopAlignment.Cosine(g, r), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void AMatrixAndItsNegationHaveCosineMinusOne()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.tensor(new[] { 2.0, 0.5, 0.5, 1.0 }, ScalarType.Float64).reshape(2, 2);

        Assert.That(AgopAlignment.Cosine(g, -g), Is.EqualTo(-1.0).Within(1e-12));
    }

    // Entries of −1e200 overflow the norms, so the cosine is measured again on each matrix divided by its largest
    // entry magnitude; dividing by the largest signed entry (0 here, off the diagonal) left −1e200 · I unscaled and the
    // alignment refused. Found by mutation testing (round 19C).
    [Test]
    public void ANegatedMatrixOfHugeEntriesStillHasCosineMinusOne()
    {
        using var scope = torch.NewDisposeScope();
        var identity = torch.eye(3, dtype: ScalarType.Float64);

        Assert.That(AgopAlignment.Cosine(identity * -1e200, identity), Is.EqualTo(-1.0).Within(1e-12));
        Assert.That(AgopAlignment.Cosine(identity, identity * -1e200), Is.EqualTo(-1.0).Within(1e-12));
    }
}
