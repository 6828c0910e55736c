using Catapults.ML.Features;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="ReferenceAgop.OfMatrix"/> allows eigenvalues down to −<see cref="ReferenceAgop.PsdTolerance"/> (1e-6)
/// times the largest magnitude, and no further: a negative eigenvalue ten times past the tolerance is refused, one a
/// tenth of it is accepted as rounding. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ReferencePsdToleranceTests
{
    [Test]
    public void TheToleranceIsRelativeToTheLargestEigenvalueAndNoWider()
    {
        Assert.That(ReferenceAgop.PsdTolerance, Is.EqualTo(1e-6));

        var justOutside = new double[,] { { 2.0, 0.0 }, { 0.0, -2e-5 } };
        var ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.OfMatrix(justOutside));
        Assert.That(ex!.Message, Does.Contain("positive semidefinite"));

        var withinRounding = new double[,] { { 2.0, 0.0 }, { 0.0, -2e-7 } };
        Assert.That(ReferenceAgop.OfMatrix(withinRounding).InputDimension, Is.EqualTo(2));
    }
}
