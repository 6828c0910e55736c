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

    // Found by mutation testing (round 18A): a rank, patience or check interval of 0 passed validation, and an interval
    // of 0 would then divide by zero at the first step.
    [TestCase("Rank")]
    [TestCase("AlignmentPatience")]
    [TestCase("AlignmentCheckEvery")]
    public void ACountOfZeroIsRefusedByNameAndOneIsAccepted(string option)
    {
        DominantSubspaceOptions With(int value) => option switch
        {
            "Rank" => new DominantSubspaceOptions { Rank = value },
            "AlignmentPatience" => new DominantSubspaceOptions { AlignmentPatience = value },
            _ => new DominantSubspaceOptions { AlignmentCheckEvery = value },
        };
        var ex = Assert.Throws<ArgumentException>(() => With(0).Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.StartWith($"DominantSubspaceOptions.{option} must be at least 1, got 0."));
        Assert.DoesNotThrow(() => With(1).Validate());
    }
}
