using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// Per-output AGOPs cost O·d² float64 values (AgopOptions.PerOutput), and the AGOP refuses them up front when they do not
/// fit, naming the inputs, before libtorch's allocator fails with a raw message. Found by mutation testing (round 19C):
/// an estimate of one d × d matrix whatever O passed every test.
/// </summary>
[TestFixture]
public sealed class AgopMemoryCheckTests
{
    [Test]
    public void PerOutputMatricesThatCannotFitAreRefusedBeforeAllocation()
    {
        using var scope = torch.NewDisposeScope();
        // One 1000 × 1000 float64 matrix is 8 MB; a million of them, 8 TB, fit no machine. The function is never called.
        const int outputs = 1_000_000;
        var ex = Assert.Throws<ArgumentException>(() => Agop.Compute(
            x => throw new AssertionException("the AGOP ran"), 1000, outputs, torch.zeros(1, 1000), new AgopOptions { PerOutput = true }));
        Assert.That(ex!.ParamName, Is.EqualTo("features"));
        Assert.That(ex.Message, Does.Contain($"per output, {outputs}"));
    }

    [TestCase(ScalarType.Float32, "10.9 TiB")]
    [TestCase(ScalarType.Float64, "14.6 TiB")]
    public void ASummedAgopCountsItsSumAndItsPartialSumInTheGradientsPrecision(ScalarType type, string bytes)
    {
        // d = 10⁶: the float64 sum (8 d² bytes) and the partial sum in the gradients' precision (4 or 8 d² bytes), 12e12
        // or 16e12 bytes, not the sum alone (8e12 = 7.28 TiB). Found by mutation testing (round 36A).
        using var scope = torch.NewDisposeScope();
        const long d = 1_000_000;
        var ex = Assert.Throws<ArgumentException>(() => Agop.Compute(
            x => throw new AssertionException("the AGOP ran"), d, 1, torch.zeros(new long[] { 1, d }, type)));
        Assert.That(ex!.Message, Does.Contain($"needs about {bytes} of memory"));
    }
}
