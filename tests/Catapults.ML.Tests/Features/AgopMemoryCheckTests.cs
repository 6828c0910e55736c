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
}
