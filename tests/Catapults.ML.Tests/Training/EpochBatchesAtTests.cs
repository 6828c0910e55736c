using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="EpochBatchSource.BatchesAt"/> gathers several steps at once; by <see cref="IBatchSource.BatchesAt"/>'s
/// contract it gives what asking <see cref="EpochBatchSource.BatchAt"/> step by step gives, with the first step's
/// epoch. Pinned past the first epoch, where a wrong epoch shows. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class EpochBatchesAtTests
{
    [Test]
    public void ABlockOfStepsInALaterEpochMatchesItsStepsOneByOne()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 12;
        using var data = RowIndexData.Of(n);
        var source = new EpochBatchSource(data, 3, shuffleSeed: 5);

        var block = source.BatchesAt(5, 3);
        var oneByOne = IBatchSource.StepByStep(source, 5, 3);
        Assert.That(block.Epoch, Is.EqualTo(1), "step 5 of 4 steps per epoch is in epoch 1");
        Assert.That(block.Epoch, Is.EqualTo(oneByOne.Epoch));
        Assert.That(block.Indices, Is.EqualTo(oneByOne.Indices));
        Assert.That(block.Features.data<float>().ToArray(), Is.EqualTo(oneByOne.Features.data<float>().ToArray()));
    }
}
