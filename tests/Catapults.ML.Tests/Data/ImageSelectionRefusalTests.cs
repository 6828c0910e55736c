using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

// Options a selection cannot honour must be refused up front with a message, not turn into an index fault or a
// silently smaller task.
public sealed class ImageSelectionRefusalTests : TemporaryFolderTests
{
    // Two training images per batch and one test image, which is an airplane (class 0).
    private Cifar10Reader Reader() => new(DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1));

    [Test]
    public void AClassOnePastTheLastIsNotAClass()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageSelection.Create(Reader(), new ImageDatasetOptions { Classes = [10] }));
        Assert.That(ex!.Message, Does.StartWith("Class 10 is not a"));
    }

    [Test]
    public void PlusMinusOneLabelsOfASingleClassAreRefused() =>
        Assert.Throws<ArgumentException>(() => ImageSelection.Create(Reader(),
            new ImageDatasetOptions { Classes = [3], Labels = LabelMapping.PlusMinusOne }));

    [Test]
    public void ANamedClassWithoutImagesInTheSplitIsAnError()
    {
        Assert.That(DatasetFixtures.CifarLabel(100000), Is.EqualTo(0), "the fixture's only test image is an airplane");
        var ex = Assert.Throws<InvalidOperationException>(() => ImageSelection.Create(Reader(),
            new ImageDatasetOptions { Split = DatasetSplit.Test, Classes = [0, 4] }));
        Assert.That(ex!.Message, Does.Contain("has no images of class 4 (deer)"));
    }

    [Test]
    public void NoImagesPerClassIsRefusedRatherThanAnEmptyTask()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ImageSelection.Create(Reader(), new ImageDatasetOptions { SamplesPerClass = 0 }));
        Assert.That(ex!.Message, Does.StartWith("ImageDatasetOptions.SamplesPerClass must be at least 1."));
    }

    // A reader whose labels run one past its classes: the selection names the record, not an index fault.
    private sealed class OnePastTheLastLabelReader : IImageDatasetReader
    {
        public string DatasetName => "two-class";
        public string Directory => "";
        public ImageShape Shape => new(1, 1, 1);
        public IReadOnlyList<string> ClassNames => new[] { "a", "b" };
        public IReadOnlyList<DatasetSplit> Splits => new[] { DatasetSplit.Train };
        public int[] ReadLabels(DatasetSplit split) => [1, 2, 0];
        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            throw new NotSupportedException("the selection reads no images");
    }

    [Test]
    public void AReaderLabelOnePastTheLastClassIsNamedWithItsRecord()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageSelection.Create(new OnePastTheLastLabelReader(), new ImageDatasetOptions()));
        Assert.That(ex!.Message, Is.EqualTo("two-class reader returned label 2 for record 1; expected 0..1."));
    }
}
