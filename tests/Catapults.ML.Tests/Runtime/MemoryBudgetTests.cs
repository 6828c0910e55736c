using Catapults.ML.Runtime;

namespace Catapults.ML.Tests.Runtime;

/// <summary>
/// MemoryBudget's boundary, units and message, on numbers worked by hand.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class MemoryBudgetTests
{
    [Test]
    public void AnEstimateEqualToTheBudgetFits()
    {
        Assert.That(MemoryBudget.Shortfall(100, "x", 100), Is.Null);
        Assert.That(MemoryBudget.Shortfall(101, "x", 100), Is.Not.Null);
    }

    [Test]
    public void SizesAreWrittenInTheirBinaryUnits()
    {
        Assert.That(MemoryBudget.Format(1L << 30), Is.EqualTo("1 GiB"));
        Assert.That(MemoryBudget.Format(1.5 * (1L << 30)), Is.EqualTo("1.5 GiB"));
        Assert.That(MemoryBudget.Format(2.0 * (1L << 40)), Is.EqualTo("2 TiB"));
        Assert.That(MemoryBudget.Format(512.0 * (1L << 20)), Is.EqualTo("512 MiB"));
    }

    [Test]
    public void TheMessageNamesTheNeedThenTheBudget()
    {
        Assert.That(MemoryBudget.Shortfall(3.0 * (1L << 30), "The thing", 2.0 * (1L << 30)),
            Is.EqualTo("The thing needs about 3 GiB of memory, more than the 2 GiB available; use smaller sizes."));
    }

    [Test]
    public void TheBudgetIsAtMostWhatTheProcessCanUse()
    {
        double total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.That(MemoryBudget.AvailableBytes, Is.GreaterThan(0.5 * total).And.LessThanOrEqualTo(total));
    }

    // The budget is 80% of what the process can use, not merely some share of it: 85% is refused, 75% fits.
    // Found by mutation testing (round 15A): a budget of 90% passed every test.
    [Test]
    public void TheBudgetIsEightyPercentOfWhatTheProcessCanUse()
    {
        double total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.That(MemoryBudget.AvailableBytes, Is.EqualTo(0.8 * total).Within(1e-9).Percent);
        Assert.That(MemoryBudget.Shortfall(0.85 * total, "x"), Is.Not.Null);
        Assert.That(MemoryBudget.Shortfall(0.75 * total, "x"), Is.Null);
    }
}
