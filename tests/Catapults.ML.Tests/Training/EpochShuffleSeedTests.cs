using Catapults.ML.Data;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Runs with neighbouring shuffle seeds must not replay each other's epochs shifted by one.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class EpochShuffleSeedTests
{
    [Test]
    public void NeighbouringSeedsDoNotShareEpochOrders()
    {
        using var scope = torch.NewDisposeScope();
        using var data = new TensorDataset(torch.randn(40, 2), torch.randn(40, 1));
        var seed0 = new EpochBatchSource(data, 5, shuffleSeed: 0);
        var seed1 = new EpochBatchSource(data, 5, shuffleSeed: 1);
        int perEpoch = seed0.StepsPerEpoch!.Value;
        var epoch1OfSeed0 = Enumerable.Range(perEpoch, perEpoch).SelectMany(seed0.IndicesAt).ToArray();
        var epoch0OfSeed1 = Enumerable.Range(0, perEpoch).SelectMany(seed1.IndicesAt).ToArray();
        Assert.That(epoch1OfSeed0, Is.Not.EqualTo(epoch0OfSeed1));
    }
}
