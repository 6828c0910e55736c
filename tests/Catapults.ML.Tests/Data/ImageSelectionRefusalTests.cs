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
}
