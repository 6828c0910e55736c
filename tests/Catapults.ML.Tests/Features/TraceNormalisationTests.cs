using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="SymmetricMatrices.NormalizeTrace"/> on a stack with one matrix of zero trace names that trace, the one
/// that is not positive, not the stack's largest. Found by mutation testing (round 15A): a message quoting the largest
/// trace ("a trace is 2, not positive") passed every test.
/// </summary>
[TestFixture]
public sealed class TraceNormalisationTests
{
    [Test]
    public void TheMessageQuotesTheTraceThatIsNotPositive()
    {
        using var scope = torch.NewDisposeScope();
        var stack = torch.stack(new[] { torch.eye(2, dtype: ScalarType.Float64), torch.zeros(2, 2, dtype: ScalarType.Float64) });
        var ex = Assert.Throws<InvalidOperationException>(() => SymmetricMatrices.NormalizeTrace(stack, "AGOP"));
        Assert.That(ex!.Message, Does.StartWith("Cannot normalise the AGOP by its trace: a trace is 0, not positive"));
    }
}
