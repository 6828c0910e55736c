using Catapults.ML.Spectra;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// Each Lanczos option is refused by name exactly past its documented limit and accepted at it: a caller who reads
/// the message must be able to tell which option to fix. Found by mutation testing (round 10B).
/// </summary>
public sealed class LanczosOptionBoundaryTests
{
    private static IEnumerable<TestCaseData> JustPastTheLimit()
    {
        yield return new TestCaseData(new LanczosOptions { BlockSize = 0 }, "BlockSize").SetName("BlockSize0");
        yield return new TestCaseData(new LanczosOptions { MaxBasisSize = 1 }, "MaxBasisSize").SetName("MaxBasisSize1");
        yield return new TestCaseData(new LanczosOptions { MaxRestarts = -1 }, "MaxRestarts").SetName("MaxRestartsMinus1");
        yield return new TestCaseData(new LanczosOptions { ResidualTolerance = double.PositiveInfinity }, "ResidualTolerance").SetName("ResidualToleranceInfinite");
        yield return new TestCaseData(new LanczosOptions { ResidualTolerance = double.NaN }, "ResidualTolerance").SetName("ResidualToleranceNaN");
        yield return new TestCaseData(new LanczosOptions { DenseThreshold = -1 }, "DenseThreshold").SetName("DenseThresholdMinus1");
        // An infinite tolerance would accept any Ritz pair as converged; a zero residual tolerance fails every pair
        // (mutation round 23A: both were accepted once one half of their checks was dropped).
        yield return new TestCaseData(new LanczosOptions { Tolerance = double.PositiveInfinity }, "Tolerance").SetName("ToleranceInfinite");
        yield return new TestCaseData(new LanczosOptions { ResidualTolerance = 0 }, "ResidualTolerance").SetName("ResidualTolerance0");
        yield return new TestCaseData(new LanczosOptions { ResidualTolerance = -1e-4 }, "ResidualTolerance").SetName("ResidualToleranceNegative");
    }

    [TestCaseSource(nameof(JustPastTheLimit))]
    public void AnOptionJustPastItsLimitIsRefusedByName(LanczosOptions options, string name)
    {
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(name));
        Assert.That(ex.Message, Does.StartWith(name));
    }

    private static IEnumerable<TestCaseData> AtTheLimit()
    {
        yield return new TestCaseData(new LanczosOptions { BlockSize = 1 }).SetName("BlockSize1");
        yield return new TestCaseData(new LanczosOptions { MaxBasisSize = 2 }).SetName("MaxBasisSize2");
        yield return new TestCaseData(new LanczosOptions { MaxRestarts = 0 }).SetName("MaxRestarts0");
        yield return new TestCaseData(new LanczosOptions { ResidualTolerance = double.MaxValue }).SetName("ResidualToleranceMax");
        yield return new TestCaseData(new LanczosOptions { DenseThreshold = 0 }).SetName("DenseThreshold0");
    }

    [TestCaseSource(nameof(AtTheLimit))]
    public void AnOptionAtItsLimitIsAccepted(LanczosOptions options) => Assert.DoesNotThrow(options.Validate);

    // Every default is the one the documentation states (mutation round 32A: a default Tolerance of 1e-5 passed every test).
    [Test]
    public void EveryDefaultIsTheDocumentedOne()
    {
        var o = new LanczosOptions();
        Assert.That(o.Which, Is.EqualTo(SpectrumEnd.LargestAlgebraic));
        Assert.That(o.BlockSize, Is.Null);
        Assert.That(o.MaxBasisSize, Is.Null);
        Assert.That(o.MaxRestarts, Is.EqualTo(50));
        Assert.That(o.Tolerance, Is.EqualTo(1e-6));
        Assert.That(LanczosOptions.MinimumTolerance, Is.EqualTo(1e-15));
        Assert.That(o.ResidualTolerance, Is.EqualTo(1e-4));
        Assert.That(o.ComputeResiduals, Is.False);
        Assert.That(o.ComputeVectors, Is.True);
        Assert.That(o.Mode, Is.EqualTo(EigensolverMode.Auto));
        Assert.That(o.DenseThreshold, Is.EqualTo(256));
        Assert.That(o.Seed, Is.Zero);
        Assert.That(o.ThrowIfNotConverged, Is.False);
    }
}
