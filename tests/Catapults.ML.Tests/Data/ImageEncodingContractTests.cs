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

    // Statistics arrive from callers (a saved model, a config file): a non-finite mean or an infinite std would turn
    // every standardised pixel into NaN or zero, so both are refused by channel.
    [Test]
    public void NonFiniteStatisticsAreRefusedByChannel()
    {
        var mean = Assert.Throws<ArgumentException>(() => new ChannelStatistics([0.5, double.NaN], [0.25, 0.25]));
        Assert.That(mean!.Message, Does.StartWith("Mean of channel 1 is NaN."));
        Assert.That(mean.ParamName, Is.EqualTo("mean"));
        var std = Assert.Throws<ArgumentException>(() => new ChannelStatistics([0.5, 0.5], [double.PositiveInfinity, 0.25]));
        Assert.That(std!.Message, Does.StartWith("Std of channel 0 is ").And.Contain("; it must be positive"));
        Assert.That(std.ParamName, Is.EqualTo("std"));
    }

    // Statistics of one channel do not standardise three-channel images: the mismatch is named, not an index fault.
    [Test]
    public void StatisticsOfAnotherChannelCountAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new PixelTransform(new ImageShape(3, 2, 2), PixelNormalization.Standardize, new ChannelStatistics([0.5], [0.25])));
        Assert.That(ex!.Message, Does.StartWith("The channel statistics have 1 channels but the images have 3."));
    }

    // A mean per channel needs a std per channel: a list too short or too long would standardise some channel with
    // another channel's spread, or carry a std no channel has.
    [Test]
    public void MeanAndStdOfDifferentChannelCountsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChannelStatistics([0.5, 0.5], [0.25, 0.25, 0.25]));
        Assert.That(ex!.Message, Does.StartWith("Mean has 2 channels and std 3; both need the same, positive count."));
        Assert.That(ex.ParamName, Is.EqualTo("std"));
    }

    // The target span is exactly one row of targets: a longer one is a caller's layout error, not room to spare.
    [TestCase(LabelMapping.OneHot, 3, 4)]
    [TestCase(LabelMapping.PlusMinusOne, 2, 2)]
    public void ATargetSpanLongerThanTheTargetIsRefused(LabelMapping mapping, int classCount, int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => LabelEncoder.Encode(mapping, classCount, 0, new float[length]));
        Assert.That(ex!.Message, Does.StartWith($"Target span has length {length}; {mapping} with {classCount} classes needs {length - 1}."));
    }

    // Reports print the statistics with four decimals, mean and std alike.
    [Test]
    public void StatisticsPrintFourDecimalsPerChannel() =>
        Assert.That(new ChannelStatistics([0.5, 0.25], [0.125, 1]).ToString(), Is.EqualTo("mean [0.5000, 0.2500], std [0.1250, 1.0000]"));

    // Class-index targets are integers: asking for their float encoding is a caller's error, said as such, not an
    // empty target written without a word.
    [Test]
    public void ClassIndexTargetsHaveNoFloatEncoding()
    {
        Assert.That(LabelEncoder.TargetWidth(LabelMapping.ClassIndex, 3), Is.EqualTo(0));
        var ex = Assert.Throws<InvalidOperationException>(() => LabelEncoder.Encode(LabelMapping.ClassIndex, 3, 1, Span<float>.Empty));
        Assert.That(ex!.Message, Is.EqualTo("LabelMapping.ClassIndex has no float target; use the class index itself."));
    }
    // Found by mutation testing (round 31A): a one-hot target is written whole, so a span reused from the previous
    // row does not keep that row's 1.
    [Test]
    public void AOneHotTargetOverwritesAReusedSpan()
    {
        var target = new float[] { 1f, 7f, 1f };
        LabelEncoder.Encode(LabelMapping.OneHot, 3, 1, target);
        Assert.That(target, Is.EqualTo(new[] { 0f, 1f, 0f }));
    }

    // Standardising without statistics is a caller's error named as such, not a null dereference inside the table.
    [Test]
    public void StandardizingWithoutStatisticsIsRefused()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new PixelTransform(new ImageShape(1, 2, 2), PixelNormalization.Standardize, null));
        Assert.That(ex!.ParamName, Is.EqualTo("statistics"));
    }
}
