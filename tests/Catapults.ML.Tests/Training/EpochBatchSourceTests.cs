using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>Found by mutation testing (5 Dec 2026), a fault no test saw: an epoch under <see cref="PartialBatchPolicy.Keep"/> has no empty batch.</summary>
public sealed class EpochBatchSourceTests
{
    [TestCase(8, 4, 2, 4)]
    [TestCase(10, 4, 3, 2)]
    public void KeepingPartialBatchesAddsAStepOnlyForARemainder(int n, int batch, int steps, int lastBatch)
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(n);
        var source = new EpochBatchSource(data, batch, shuffleSeed: 3, PartialBatchPolicy.Keep);
        Assert.That(source.StepsPerEpoch, Is.EqualTo(steps));
        Assert.That(source.IndicesAt(steps - 1), Has.Length.EqualTo(lastBatch), "the epoch's last batch is never empty");
        Assert.That(Enumerable.Range(0, steps).SelectMany(source.IndicesAt).Order(), Is.EqualTo(Enumerable.Range(0, n).Select(i => (long)i)),
            "one epoch covers every sample once");
    }

    // Found by mutation testing (round 23C): full-batch GD takes the data in order. Its batch is the dataset itself (no
    // gather), so a shuffled permutation would leave the step's indices naming other rows than its features hold.
    [TestCase(null)]
    [TestCase(6)]
    public void AFullBatchTakesTheDataInOrderInEveryEpoch(int? batch)
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(6, "six");
        var source = new EpochBatchSource(data, batch, shuffleSeed: 7);
        Assert.That(source.IsFullBatch, Is.True);
        for (int step = 0; step < 3; step++)
        {
            Assert.That(source.IndicesAt(step), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }), $"step {step}");
            var b = source.BatchAt(step);
            Assert.That(b.Features.reshape(-1).data<float>().ToArray(), Is.EqualTo(b.Indices.Select(i => (float)i)), $"step {step}: features of the named rows");
        }
    }

    // A negative step is refused by name wherever it enters: one batch, several, or their indices.
    [TestCase(null)]
    [TestCase(2)]
    public void ANegativeStepIsRefusedByEveryEntry(int? batch)
    {
        using var scope = torch.NewDisposeScope();
        using var data = RowIndexData.Of(6);
        var source = new EpochBatchSource(data, batch, shuffleSeed: 7);
        foreach (var (entry, call) in new (string, TestDelegate)[]
                 {
                     ("IndicesAt", () => source.IndicesAt(-1)), ("BatchAt", () => source.BatchAt(-1)),
                     ("BatchesAt", () => source.BatchesAt(-2, 3)), ("BatchesAt one", () => source.BatchesAt(-1, 1)),
                 })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(call, entry)!;
            Assert.That(ex.ParamName, Is.EqualTo("step"), entry);
            Assert.That(ex.Message, Does.Contain("Steps start at 0"), entry);
        }
    }
}
