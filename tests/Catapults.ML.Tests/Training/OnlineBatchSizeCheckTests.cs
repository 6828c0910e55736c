using Catapults.ML.Data;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): an online source refuses a batch size below 1 when it is made, naming the
/// argument; without the check a source of batch 0 was accepted, and no test noticed.
/// </summary>
public sealed class OnlineBatchSizeCheckTests
{
    [TestCase(0)]
    [TestCase(-2)]
    public void ABatchSizeBelowOneIsRefusedByName(int batchSize)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => OnlineBatchSource.ForTask(SyntheticTask.Rank2(4), batchSize, seed: 1));
        Assert.That(ex!.ParamName, Is.EqualTo("batchSize"));
        Assert.That(ex.ActualValue, Is.EqualTo(batchSize));
    }
}
