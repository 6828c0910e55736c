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

    // Found by mutation testing (round 23B): a NaN threshold passed a check written as two refusals (≤ 0, > 1), and
    // χ ≥ NaN never holds: the alignment rule would check every few steps and never switch.
    [Test]
    public void ANaNAlignmentThresholdIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DominantSubspaceOptions { AlignmentThreshold = double.NaN }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("AlignmentThreshold"));
        Assert.That(ex.Message, Does.StartWith("DominantSubspaceOptions.AlignmentThreshold must be in (0, 1], got NaN."));
    }

    // Found by mutation testing (round 23B): without the null checks a missing Hessian option failed as a
    // NullReferenceException inside its own validation, naming nothing.
    [Test]
    public void MissingNestedOptionsAreRefusedByName()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new DominantSubspaceOptions { Hessian = null! }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("Hessian"));
        ex = Assert.Throws<ArgumentNullException>(() => new DominantSubspaceOptions { Lanczos = null! }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("Lanczos"));
    }

    // Found by mutation testing (round 23B): the documented defaults. Changing the mode, the rank, the patience or the
    // check interval left the suite green.
    [Test]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var o = new DominantSubspaceOptions();
        Assert.That(o.Mode, Is.EqualTo(ProjectedUpdateMode.Dominant));
        Assert.That((o.Rank, o.RefreshEvery, o.SwitchAtStep, o.AlignmentThreshold, o.AlignmentPatience, o.AlignmentCheckEvery),
            Is.EqualTo((1, 1, (int?)null, (double?)null, 3, 10)));
        Assert.That(o.Lanczos.Tolerance, Is.EqualTo(1e-4));
        Assert.DoesNotThrow(o.Validate);
    }
}
