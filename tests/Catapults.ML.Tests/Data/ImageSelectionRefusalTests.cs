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

    // A reader of three classes whose labels are given; it lists the training split only and reads no image.
    private sealed class LabelsOnlyReader(int[] labels) : IImageDatasetReader
    {
        public string DatasetName => "three-class";
        public string Directory => "";
        public ImageShape Shape => new(1, 1, 1);
        public IReadOnlyList<string> ClassNames => new[] { "a", "b", "c" };
        public IReadOnlyList<DatasetSplit> Splits => new[] { DatasetSplit.Train };
        public int[] ReadLabels(DatasetSplit split) => labels;
        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            throw new NotSupportedException("the selection reads no images");
    }

    // Found by mutation testing (round 24A): the selection itself refuses a split the reader does not list, naming
    // those it has, rather than trusting every reader to refuse it in ReadLabels.
    [Test]
    public void ASplitTheReaderDoesNotListIsRefusedNamingItsSplits()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageSelection.Create(new LabelsOnlyReader([0, 1, 2]),
            new ImageDatasetOptions { Split = DatasetSplit.Test }));
        Assert.That(ex!.Message, Does.StartWith("three-class has no Test split; it has Train."));
        Assert.That(ex.ParamName, Is.EqualTo("options"));
    }

    // Found by mutation testing (round 24A): drawing n per class from every class needs each of them, and a class
    // with no image at all is named as absent, not as "only 0 images"; without a draw, a missing class is fine.
    [Test]
    public void DrawingFromEveryClassNamesAClassWithoutImagesAsAbsent()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageSelection.Create(new LabelsOnlyReader([0, 2, 0, 2]),
            new ImageDatasetOptions { SamplesPerClass = 1 }));
        Assert.That(ex!.Message, Is.EqualTo("three-class Train split has no images of class 1 (b)."));
        var all = ImageSelection.Create(new LabelsOnlyReader([0, 2, 0, 2]), new ImageDatasetOptions());
        Assert.That(all.RecordIndices, Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    // Found by mutation testing (round 24A): a negative label from a reader is named with its record like one past
    // the last class, not left to fail as an index fault.
    [Test]
    public void ANegativeReaderLabelIsNamedWithItsRecord()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageSelection.Create(new LabelsOnlyReader([0, -1, 2]), new ImageDatasetOptions()));
        Assert.That(ex!.Message, Is.EqualTo("three-class reader returned label -1 for record 1; expected 0..2."));
    }
}
