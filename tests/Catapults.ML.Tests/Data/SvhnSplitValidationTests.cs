using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// An SVHN split file whose arrays have the right names but not the cropped-digit layout: X must be 32×32×3×N uint8,
/// y a real N×1 vector of labels 1–10. Each departure is refused when the split is opened, before any label is used.
/// </summary>
public sealed class SvhnSplitValidationTests : TemporaryFolderTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder()
    {
        _dir = Temp.Combine("svhn");
        Directory.CreateDirectory(_dir);
    }

    private string TrainPath => Path.Combine(_dir, "train_32x32.mat");

    private static MatV5Writer.Array X(int count) => MatV5Writer.UInt8("X", [32, 32, 3, count], DatasetFixtures.SvhnX(count));

    // 0 is no SVHN label: digit 0 is stored as 10, so a 0 means the file was written with another convention.
    [Test]
    public void LabelZeroIsRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(3), MatV5Writer.Double("y", [3, 1], [2, 0, 10]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("y(2) = 0"));
    }

    [Test]
    public void LabelsWithAThirdDimensionAreRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(2), MatV5Writer.Double("y", [2, 1, 1], [1, 2]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("N×1 label vector"));
    }

    // The complex flag (0x0800 in the flags word) on y: its real part alone would load as labels.
    [Test]
    public void ComplexLabelsAreRefused()
    {
        var y = MatV5Writer.Double("y", [2, 1], [1, 2]) with { ClassCode = MatV5Writer.MxDouble | 0x0800 };
        MatV5Writer.Write(TrainPath, false, X(2), y);
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("complex"));
    }

    // A grayscale 32×32×1×N array has the right side lengths but a third of the bytes per image.
    [Test]
    public void ImagesWithOneChannelAreRefused()
    {
        MatV5Writer.Write(TrainPath, false,
            MatV5Writer.UInt8("X", [32, 32, 1, 3], new byte[3 * 1024]),
            MatV5Writer.Double("y", [3, 1], [1, 2, 3]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("32×32×1×3").And.Contain("32×32×3×N"));
    }

    // Found by mutation testing (round 24A): the complex flag on X is refused as on y: the real part alone would load
    // as the images.
    [Test]
    public void ComplexImagesAreRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(2) with { ClassCode = MatV5Writer.MxUInt8 | 0x0800 }, MatV5Writer.Double("y", [2, 1], [1, 2]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.EndWith("X or y is complex; SVHN arrays are real."));
    }
}
