using Catapults.ML.Data;
using Catapults.ML.Features;
using TorchSharp;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// The Monte-Carlo <see cref="ReferenceAgop.FromTarget(ITargetFunction, int, long, AgopOptions?)"/> needs at least one
/// draw: a count of 0 is refused up front, naming <c>sampleCount</c>, rather than drawing an empty batch that the
/// AGOP then rejects under another name. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ReferenceSampleCountTests
{
    [Test]
    public void ASampleCountOfZeroIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        var task = SyntheticTask.Rank2(4);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceAgop.FromTarget(task, 0, seed: 1));
        Assert.That(ex!.ParamName, Is.EqualTo("sampleCount"));
    }
}
