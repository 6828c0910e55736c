using Catapults.ML.Models;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// <see cref="ArchitectureSpec.MaximumNumber"/> is documented as the largest depth or widening factor a name may give:
/// 1,000 itself is accepted, 1,001 is not. The neighbouring tests check only the refused side, so an off-by-one that
/// refused 1,000 went unseen. Found by mutation testing (round 9B).
/// </summary>
public sealed class ArchitectureNameLimitTests
{
    [TestCase("fcn-1000", 1000, null)]
    [TestCase("vit-1000", 1000, null)]
    [TestCase("wrn-1000-1000", 1000, 1000)]
    public void TheLargestNumberANameMayGiveIsAccepted(string name, int depth, int? widen)
    {
        Assert.That(ArchitectureSpec.MaximumNumber, Is.EqualTo(1000));
        Assert.That(ArchitectureSpec.TryParse(name, out var spec, out var error), Is.True, error);
        Assert.That(spec!.Depth, Is.EqualTo(depth));
        Assert.That(spec.WidenFactor, Is.EqualTo(widen));
    }

    [TestCase("cnn-1001")]
    [TestCase("wrn-16-1001")]
    public void OnePastTheLargestIsRefusedWithTheRange(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ArchitectureSpec.Parse(name));
        Assert.That(ex!.Message, Does.Contain("'1001'").And.Contain("1..1000"));
    }
}
