using Catapults.ML.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// A probe given a batch of no samples refuses it when it is made, naming its inputs, instead of failing at the first
/// measurement inside the NTK solve (λ_max of an empty kernel, η = m / λ = 0 / ?). Found by mutation testing (round 12A,
/// 6 Dec 2026): only inputs of the wrong rank were checked by the tests.
/// </summary>
[TestFixture]
public sealed class EmptyProbeInputsTests
{
    [Test]
    public void TheCriticalRateProbeRefusesAnEmptyBatch()
    {
        using var scope = torch.NewDisposeScope();
        var empty = torch.zeros(0, 3);

        var ex = Assert.Throws<ArgumentException>(() => new CriticalRateProbe(empty).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        Assert.That(ex.Message, Does.Contain("non-empty batch").And.Contain("[0, 3]"));
    }
}
