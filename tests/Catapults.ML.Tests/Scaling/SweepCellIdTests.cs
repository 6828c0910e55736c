using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="SweepCell.Id"/> names a cell's file, so its digits are fixed:
/// two for γ's index and a signed three for the level, which keeps a directory listing in lattice order for levels up
/// to ±999. A narrower level field went unnoticed.
/// </summary>
public sealed class SweepCellIdTests
{
    [TestCase(3, -12, "g03_k-012")]
    [TestCase(0, 0, "g00_k+000")]
    [TestCase(12, 7, "g12_k+007")]
    [TestCase(1, -345, "g01_k-345")]
    public void TheIdHasTwoDigitsOfGammaIndexAndASignedThreeDigitLevel(int gammaIndex, int level, string id) =>
        Assert.That(new SweepCell(gammaIndex, 1.0, level, SweepCell.RateAtLevel(level, 0.25)).Id, Is.EqualTo(id));
}
