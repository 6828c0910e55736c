using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using NUnit.Framework.Constraints;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// The loader trusts no reader to yield exactly the records it selected: a reader that stops early, or yields another
/// record than the next one asked for, fails the load or the stream instead of giving short or misaligned rows.
/// </summary>
public sealed class ImageReaderContractTests : TemporaryFolderTests
{
    private SvhnReader _svhn = null!;

    [SetUp]
    public void WriteFixture()
    {
        var dir = Temp.Combine("svhn");
        DatasetFixtures.WriteSvhn(Path.Combine(dir, "train_32x32.mat"), 5, compressed: false);
        _svhn = new SvhnReader(dir);
    }

    // Wraps a real reader and changes only what ReadImages yields.
    private sealed class AlteredReader(IImageDatasetReader inner, Func<IEnumerable<LabeledImage>, IEnumerable<LabeledImage>> alter) : IImageDatasetReader
    {
        public string DatasetName => inner.DatasetName;
        public string Directory => inner.Directory;
        public ImageShape Shape => inner.Shape;
        public IReadOnlyList<string> ClassNames => inner.ClassNames;
        public IReadOnlyList<DatasetSplit> Splits => inner.Splits;
        public int[] ReadLabels(DatasetSplit split) => inner.ReadLabels(split);
        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            alter(inner.ReadImages(split, recordIndices));
    }

    [Test]
    public void AReaderThatStopsEarlyFailsTheStreamAndTheLoad()
    {
        AssertStreamAndLoadRefuse(images => images.Take(3), Does.Contain("ended after 3 of 5"));
    }

    [Test]
    public void AReaderThatYieldsAnotherRecordFailsTheStreamAndTheLoad()
    {
        // Record 1 is skipped and record 2 comes where record 1 was asked for.
        AssertStreamAndLoadRefuse(images => images.Where(i => i.RecordIndex != 1), Does.Contain("yielded record 2 where record 1 was expected"));
    }

    // One record more than the selection: the surplus is named, not read past the end of the selected indices.
    [Test]
    public void AReaderThatYieldsAnExtraRecordFailsTheStreamAndTheLoad()
    {
        AssertStreamAndLoadRefuse(images => images.Concat(images.Take(1)), Is.EqualTo("SVHN reader yielded record 0 where record none was expected."));
    }

    // An image of one byte too many is as wrong as one too short: its rows would be cut silently.
    [Test]
    public void AReaderThatYieldsAnImageOfAnotherSizeFailsTheStreamAndTheLoad()
    {
        AssertStreamAndLoadRefuse(images => images.Select(i => i.RecordIndex == 2 ? i with { Pixels = [.. i.Pixels, 0] } : i), Is.EqualTo("SVHN reader yielded 3073 pixel values for record 2; shape 3×32×32 needs 3072."));
    }

    // Both ImageDatasetLoader.Stream and ImageDatasetLoader.Load refuse the SVHN reader altered by alter, with the message.
    private void AssertStreamAndLoadRefuse(Func<IEnumerable<LabeledImage>, IEnumerable<LabeledImage>> alter, IResolveConstraint message)
    {
        var reader = new AlteredReader(_svhn, alter);
        var ex = Assert.Throws<InvalidOperationException>(() => ImageDatasetLoader.Stream(reader).ToList());
        Assert.That(ex!.Message, message);
        using var scope = torch.NewDisposeScope();
        ex = Assert.Throws<InvalidOperationException>(() => ImageDatasetLoader.Load(reader));
        Assert.That(ex!.Message, message);
    }
    // Found by mutation testing (round 31A): the statistics pass (a standardised test split, or a stream) reads the
    // training images through the same contract as the load; a reader that breaks it must not give statistics of
    // other or fewer images.
    [Test]
    public void TheStatisticsPassRefusesAReaderThatYieldsAnotherRecordOrStopsEarly()
    {
        var options = new ImageDatasetOptions { Normalization = PixelNormalization.Standardize };
        var skipping = new AlteredReader(_svhn, images => images.Where(i => i.RecordIndex != 1));
        var ex = Assert.Throws<InvalidOperationException>(() => ImageDatasetLoader.ComputeStatistics(skipping, options));
        Assert.That(ex!.Message, Does.Contain("yielded record 2 where record 1 was expected"));
        var stopping = new AlteredReader(_svhn, images => images.Take(3));
        ex = Assert.Throws<InvalidOperationException>(() => ImageDatasetLoader.ComputeStatistics(stopping, options));
        Assert.That(ex!.Message, Does.Contain("ended after 3 of 5"));
    }
}
