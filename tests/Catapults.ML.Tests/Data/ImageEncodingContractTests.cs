using Catapults.ML.Data.Images;

namespace Catapults.ML.Tests.Data;

public class ImageEncodingContractTests
{
    [Test]
    public void StatisticsOfNoChannelsAreRefused() =>
        Assert.Throws<ArgumentException>(() => new ChannelStatistics([], []));

    // A constant channel must be refused by the accumulator itself, with the advice to use UnitRange, not later by
    // the constructor's generic check on a zero std.
    [Test]
    public void AConstantChannelIsRefusedWithAdvice()
    {
        var accumulator = new ChannelStatistics.Accumulator(new ImageShape(2, 1, 2));
        accumulator.Add([7, 7, 0, 255]);
        accumulator.Add([7, 7, 255, 0]);
        var ex = Assert.Throws<InvalidOperationException>(() => accumulator.ToStatistics("the test set"));
        Assert.That(ex!.Message, Does.Contain("Channel 0 of the test set is constant").And.Contain("UnitRange"));
    }

    [TestCase(LabelMapping.OneHot, 3)]
    [TestCase(LabelMapping.PlusMinusOne, 3)]
    [TestCase(LabelMapping.PlusMinusOne, 2)]
    public void AClassIndexOutsideTheClassesIsRefused(LabelMapping mapping, int classCount)
    {
        var target = new float[LabelEncoder.TargetWidth(mapping, classCount)];
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelEncoder.Encode(mapping, classCount, classCount, target));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelEncoder.Encode(mapping, classCount, -1, target));
    }
}
