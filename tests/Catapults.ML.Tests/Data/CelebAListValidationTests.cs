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

    // Found by mutation testing (round 24A): blank lines (a second newline at the end, spaces between rows) are no
    // rows in either list; counting them as rows would refuse a whole, valid copy of CelebA.
    [Test]
    public void BlankLinesInTheAttributeAndPartitionListsAreSkipped()
    {
        var attributes = File.ReadAllLines(AttributePath);
        File.WriteAllText(AttributePath, string.Join("\n", attributes.Take(3)) + "\n\n" + string.Join("\n", attributes.Skip(3)) + "\n  \n");
        string partitionPath = Path.Combine(_dir, "list_eval_partition.txt");
        var partitions = File.ReadAllLines(partitionPath);
        File.WriteAllText(partitionPath, partitions[0] + "\n\n" + string.Join("\n", partitions.Skip(1)) + "\n \t\n");
        var reader = new CelebAReader(_dir);
        Assert.That(reader.FileNames(DatasetSplit.Train), Is.EqualTo(new[] { "000001.jpg", "000002.jpg", "000003.jpg" }));
        Assert.That(reader.ReadLabels(DatasetSplit.Train), Is.EqualTo(new[] { 1, 0, 1 }), "Smiling is even n");
    }

    // Found by mutation testing (round 24A): a 0 in the attribute list (copies re-encoded as 0/1 have them) is neither
    // value the list uses; reading it as "not the attribute" would turn every +1 of such a copy into class 1 and
    // every 0 into class 0 without a word.
    [Test]
    public void AnAttributeValueOfZeroIsRefused()
    {
        var lines = File.ReadAllLines(AttributePath);
        var fields = lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        fields[2] = "0";
        lines[3] = string.Join(" ", fields);
        File.WriteAllLines(AttributePath, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir));
        Assert.That(ex!.Message, Does.Contain("line 4").And.Contain("attribute Smiling: '0' is not 1 or -1."));
    }

    // Found by mutation testing (round 31A, written after it): a partition list that is not text (a download left
    // compressed) is named for what it is on its first line, not only as a line of the wrong form.
    [Test]
    public void ACompressedPartitionListIsDescribedOnItsFirstLine()
    {
        string partitionPath = Path.Combine(_dir, "list_eval_partition.txt");
        var text = File.ReadAllBytes(partitionPath);
        using (var file = File.Create(partitionPath))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal))
            gzip.Write(text);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir))!;
        Assert.That(ex.Message, Does.StartWith($"{partitionPath}: line 1 (byte 0) is '"));
        Assert.That(ex.Message, Does.Contain("expected '<image> <0|1|2>' (a gzip archive (.gz / .tar.gz): extract it first)."));
        Assert.That(ex.Message.Any(char.IsControl), Is.False);
    }

    // Found by mutation testing (round 24A): a partition code other than 0, 1 or 2 is refused by line; taken as
    // read, its image would silently belong to no split.
    [Test]
    public void APartitionCodeOfThreeIsRefusedByLine()
    {
        string partitionPath = Path.Combine(_dir, "list_eval_partition.txt");
        var lines = File.ReadAllLines(partitionPath);
        lines[1] = "000002.jpg 3";
        File.WriteAllLines(partitionPath, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir));
        Assert.That(ex!.Message, Does.Contain("line 2").And.Contain("is '000002.jpg 3'; expected '<image> <0|1|2>'."));
    }
    // Found by mutation testing (round 31A): an output side of 0 is refused when the reader is made, not on the
    // first image read.
    [Test]
    public void AnImageSizeOfZeroIsRefusedUpFront()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CelebAReader(_dir, new CelebAOptions { ImageSize = 0 }));
        Assert.That(ex!.Message, Does.StartWith("CelebAOptions.ImageSize must be at least 1."));
    }

    // Found by mutation testing (round 31A): a blank attribute names no attribute; it is the option that is wrong,
    // not the list.
    [TestCase("")]
    [TestCase("  ")]
    public void ABlankAttributeIsRefusedAsAnOption(string attribute)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CelebAReader(_dir, new CelebAOptions { Attribute = attribute }));
        Assert.That(ex!.Message, Does.StartWith("CelebAOptions.Attribute must name an attribute of list_attr_celeba.txt."));
    }

    // Found by mutation testing (round 31A): an image given a second partition is refused by line, not assigned
    // by whichever line came first.
    [Test]
    public void AnImagePartitionedTwiceIsRefusedByLine()
    {
        string partitions = Path.Combine(_dir, "list_eval_partition.txt");
        long offset = new FileInfo(partitions).Length;
        File.AppendAllText(partitions, "000002.jpg 2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir));
        Assert.That(ex!.Message, Is.EqualTo($"{partitions}: line 4 (byte {offset:N0}) lists '000002.jpg' a second time."));
        Assert.That(ex.ByteOffset, Is.EqualTo(offset));
    }
}
