using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="EpochBatchSource"/> draws a fresh permutation for every epoch, a fair one down to its last two rows, and
/// tells each batch its epoch, also in full-batch GD. Found by mutation testing (round 30A): the existing tests compared
/// neighbouring seeds only, so a source that replayed epoch 0's order in every epoch (and so under
/// <see cref="PartialBatchPolicy.Drop"/> never trained on the same rows it dropped) passed them.
/// </summary>
[TestFixture]
public sealed class EpochReshuffleTests
{
    [Test]
    public void EachEpochIsAFreshOrder()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(12);
        var source = new EpochBatchSource(data, 3, shuffleSeed: 4); // 4 steps per epoch
        long[] Epoch(int e) => Enumerable.Range(4 * e, 4).SelectMany(source.IndicesAt).ToArray();

        Assert.That(Epoch(1), Is.Not.EqualTo(Epoch(0)));
        Assert.That(Epoch(2), Is.Not.EqualTo(Epoch(1)));
        Assert.That(Epoch(1).Order(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (long)i)), "still one pass over every row");
    }

    // The remarks of PartialBatchPolicy.Drop: the dropped samples differ each epoch because of reshuffling, so over a
    // few epochs every row is trained on.
    [Test]
    public void RowsDroppedInOneEpochAreTrainedOnInAnother()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(10);
        var source = new EpochBatchSource(data, 4, shuffleSeed: 2); // 2 steps per epoch, 2 rows dropped each
        Assert.That(source.StepsPerEpoch, Is.EqualTo(2));

        var used = Enumerable.Range(0, 2 * 10).SelectMany(source.IndicesAt).Distinct().Order();
        Assert.That(used, Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
    }

    // The last swap of the shuffle decides the order of the first two rows; without it two rows never change places.
    [Test]
    public void TwoRowsAreShuffledToo()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(2);
        var source = new EpochBatchSource(data, 1, shuffleSeed: 0); // 2 steps per epoch
        var firsts = Enumerable.Range(0, 20).Select(e => source.IndicesAt(2 * e).Single()).ToArray();
        Assert.That(firsts, Does.Contain(0L).And.Contain(1L), "over 20 epochs each row comes first at least once");
    }

    // Full-batch GD has one step per epoch: the step log's Epoch column counts them.
    [Test]
    public void AFullBatchStepIsItsOwnEpoch()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(5);
        var source = new EpochBatchSource(data, null, shuffleSeed: 1);
        Assert.That(Enumerable.Range(0, 4).Select(s => source.BatchAt(s).Epoch), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(source.BatchesAt(2, 2).Epoch, Is.EqualTo(2), "a block takes its first step's epoch");
    }
}
