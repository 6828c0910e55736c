using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="EpochBatchSource"/> at the edges of its steps. A block of steps
/// that crosses into the next epoch carries the first step's epoch (the existing test's block stayed inside one epoch,
/// where first and last agree), and a negative step is refused: without the check, a step of minus a whole epoch
/// quietly returned the batch of "epoch −1", since integer division rounds towards zero.
/// </summary>
[TestFixture]
public sealed class EpochBoundaryBatchTests
{
    [Test]
    public void ABlockThatCrossesIntoTheNextEpochHasTheFirstStepsEpoch()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(6);
        var source = new EpochBatchSource(data, 2, shuffleSeed: 3); // 3 steps per epoch

        var block = source.BatchesAt(2, 2); // steps 2 (epoch 0) and 3 (epoch 1)
        Assert.That(block.Epoch, Is.EqualTo(0));
        Assert.That(block.Indices, Is.EqualTo(source.IndicesAt(2).Concat(source.IndicesAt(3)).ToArray()));
    }

    [TestCase(-1)]
    [TestCase(-3)]
    public void ANegativeStepIsRefusedByName(int step)
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(6);
        var source = new EpochBatchSource(data, 2, shuffleSeed: 3); // 3 steps per epoch, so −3 is "one epoch back"
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => source.BatchAt(step));
        Assert.That(ex!.ParamName, Is.EqualTo("step"));
    }

    // The public IndicesAt had no check of its own: −3 gave an empty batch on a fresh source and [3, 0] once step 0 had
    // been drawn (epoch −1 is the empty permutation cache's marker), and −1 failed inside Array.Copy.
    [TestCase(-1)]
    [TestCase(-3)]
    public void ANegativeStepHasNoIndices(int step)
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(6);
        var source = new EpochBatchSource(data, 2, shuffleSeed: 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => source.IndicesAt(step));
        Assert.That(ex!.ParamName, Is.EqualTo("step"));
        source.IndicesAt(0);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => source.IndicesAt(step))!.ParamName, Is.EqualTo("step"));
    }
}
