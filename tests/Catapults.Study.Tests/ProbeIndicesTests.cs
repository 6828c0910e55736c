using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// ProbeIndices.Draw as documented: distinct indices into the training set, in increasing order, and a count of 0..n.
/// Found by mutation testing (7 Dec 2026, round 27B).
/// </summary>
public sealed class ProbeIndicesTests
{
    [Test]
    public void ADrawIsDistinctIncreasingAndInsideTheTrainingSet()
    {
        var drawn = ProbeIndices.Draw(50, 20, 7);
        Assert.That(drawn, Has.Count.EqualTo(20));
        Assert.That(drawn.Zip(drawn.Skip(1)).All(p => p.First < p.Second), Is.True, string.Join(", ", drawn));
        Assert.That(drawn, Is.All.InRange(0L, 49L));
        Assert.That(ProbeIndices.Draw(5, 5, 3), Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }), "all of the samples");
        Assert.That(ProbeIndices.Draw(5, 0, 3), Is.Empty);
    }

    [TestCase(-1)]
    [TestCase(6)]
    public void ACountOutsideNoneToAllIsRefused(int count)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ProbeIndices.Draw(5, count, 3))!;
        Assert.That(ex.ParamName, Is.EqualTo("count"));
    }
}
