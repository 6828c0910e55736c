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
    // Found by mutation testing (round 31A): a fractional label is no class; truncating it would load 2.5 as digit 2.
    [Test]
    public void AFractionalLabelIsRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(2), MatV5Writer.Double("y", [2, 1], [3, 2.5]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("corrupt label y(2) = 2.5"));
    }

    // Found by mutation testing (round 31A): 32 rows of 16 columns is not the cropped-digit layout, though the rows
    // and channels are right; each image would be read across two of the stored ones.
    [Test]
    public void ImagesWithSixteenColumnsAreRefused()
    {
        MatV5Writer.Write(TrainPath, false,
            MatV5Writer.UInt8("X", [32, 16, 3, 2], new byte[2 * 1536]),
            MatV5Writer.Double("y", [2, 1], [1, 2]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("X has dimensions 32×16×3×2; expected 32×32×3×N"));
    }

    // Found by mutation testing (round 31A): a 2×2 label matrix has as many elements as four images, but it is no
    // N×1 vector.
    [Test]
    public void LabelsInATwoByTwoMatrixAreRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(4), MatV5Writer.Double("y", [2, 2], [1, 2, 3, 4]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("N×1 label vector with N = 4"));
    }

    // Found by mutation testing (round 31A): a char array (class 4) is text, not labels, even when its bytes are 1–10.
    [Test]
    public void CharacterLabelsAreRefused()
    {
        MatV5Writer.Write(TrainPath, false, X(2), new MatV5Writer.Array("y", 4, [2, 1], MatV5Writer.MiUInt8, [1, 2]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("expected a numeric N×1 label vector"));
    }
}
