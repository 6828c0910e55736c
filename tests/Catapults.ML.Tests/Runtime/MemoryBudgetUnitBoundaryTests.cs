using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// A byte count switches unit at exactly 1 TiB: between 1 and 2 TiB a message must not read "1.5e+03 GiB". Found by
/// mutation testing (round 12A, 6 Dec 2026): only 2 TiB was checked, so a threshold at 2 TiB passed.
/// </summary>
[TestFixture]
public sealed class MemoryBudgetUnitBoundaryTests
{
    [Test]
    public void OneToTwoTebibytesAreWrittenInTebibytes()
    {
        Assert.That(MemoryBudget.Format(1L << 40), Is.EqualTo("1 TiB"));
        Assert.That(MemoryBudget.Format(1.5 * (1L << 40)), Is.EqualTo("1.5 TiB"));
        Assert.That(MemoryBudget.Format((1L << 40) - (1L << 30)), Is.EqualTo("1.02E+03 GiB"));
    }
}
