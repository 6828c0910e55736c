using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// What the CelebA reader accepts in its options and its attribute list: the crop must fit the 178-pixel width, and
/// every row must hold exactly an image name and one value per attribute.
/// </summary>
public sealed class CelebAListValidationTests : TemporaryFolderTests
{
    private string _dir = null!;

    [SetUp]
    public void WriteFixture() => _dir = DatasetFixtures.WriteCelebA(Temp.Path, count: 3);

    private string AttributePath => Path.Combine(_dir, "list_attr_celeba.txt");

    // A crop wider than the image (178) but not taller than it (218) still cannot be cut from it.
    [TestCase(179)]
    [TestCase(218)]
    public void CropWiderThanTheImageIsRefusedUpFront(int crop)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CelebAReader(_dir, new CelebAOptions { CropSize = crop }));
        Assert.That(ex!.Message, Does.Contain("CropSize").And.Contain("1..178"));
        Assert.DoesNotThrow(() => new CelebAReader(_dir, new CelebAOptions { CropSize = 178, ImageSize = 8 }));
    }

    [Test]
    public void RowWithAnExtraValueIsRefused()
    {
        var lines = File.ReadAllLines(AttributePath);
        lines[3] += " 1";
        File.WriteAllLines(AttributePath, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir));
        Assert.That(ex!.Message, Does.Contain("line 4").And.Contain("has 5 fields"));
    }

    // A crop of no pixels has nothing to resize: the lower end of 1..178 is enforced too.
    [TestCase(0)]
    [TestCase(-1)]
    public void ACropOfNoPixelsIsRefusedUpFront(int crop)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CelebAReader(_dir, new CelebAOptions { CropSize = crop }));
        Assert.That(ex!.Message, Does.StartWith("CelebAOptions.CropSize must be in 1..178."));
        Assert.DoesNotThrow(() => new CelebAReader(_dir, new CelebAOptions { CropSize = 1, ImageSize = 1 }));
    }
}
