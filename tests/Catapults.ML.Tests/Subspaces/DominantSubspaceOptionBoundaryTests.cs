using Catapults.ML.Spectra;
using Catapults.ML.Subspaces;

namespace Catapults.ML.Tests.Subspaces;

/// <summary>
/// The dominant-subspace options at their documented limits: an alignment threshold in (0, 1], a switch step ≥ 0, and
/// the nested Hessian and Lanczos options checked with them. Found by mutation testing (round 10B).
/// </summary>
public sealed class DominantSubspaceOptionBoundaryTests
{
    [Test]
    public void TheAlignmentThresholdExcludesZeroAndIncludesOne()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { AlignmentThreshold = 0 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("AlignmentThreshold"));
        Assert.DoesNotThrow(() => new DominantSubspaceOptions { AlignmentThreshold = 1 }.Validate());
    }

    [Test]
    public void TheSwitchStepMayBeZeroButNotNegative()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { SwitchAtStep = -1 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("SwitchAtStep"));
        Assert.DoesNotThrow(() => new DominantSubspaceOptions { SwitchAtStep = 0 }.Validate());
    }

    [Test]
    public void NestedOptionsAreCheckedWithTheirOwner()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { Lanczos = new LanczosOptions { MaxRestarts = -1 } }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("MaxRestarts"));
        ex = Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { Hessian = new HessianOptions { ChunkSize = 0 } }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("ChunkSize"));
    }
}
