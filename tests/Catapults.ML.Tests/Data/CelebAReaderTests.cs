using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

public class CelebAReaderTests
{
    private TempDirectory _temp = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public void WriteFixture()
    {
        _temp = new TempDirectory();
        _dir = DatasetFixtures.WriteCelebA(_temp.Path, count: 10);
    }

    [OneTimeTearDown]
    public void Delete() => _temp.Dispose();

    /// <summary>A copy of the fixture that a test may damage.</summary>
    private string Copy()
    {
        var copy = _temp.Combine("copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(copy, "img_align_celeba"));
        foreach (var file in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(copy, Path.GetRelativePath(_dir, file)));
        return copy;
    }

    private string ImagePath(string dir, int n) => Path.Combine(dir, "img_align_celeba", $"{n + 1:D6}.jpg");

    [Test]
    public void PartitionsAndAttributeMakeTheBinaryLabels()
    {
        var reader = new CelebAReader(_dir, new CelebAOptions { Attribute = "smiling" });
        Assert.That(reader.Attribute, Is.EqualTo("Smiling"));
        Assert.That(reader.AttributeNames, Is.EqualTo(DatasetFixtures.CelebAAttributes));
        Assert.That(reader.ClassNames, Is.EqualTo(new[] { "not Smiling", "Smiling" }));
        Assert.That(reader.FileNames(DatasetSplit.Train), Is.EqualTo(Enumerable.Range(0, 6).Select(n => $"{n + 1:D6}.jpg")));
        Assert.That(reader.FileNames(DatasetSplit.Validation), Is.EqualTo(new[] { "000007.jpg", "000008.jpg" }));
        Assert.That(reader.ReadLabels(DatasetSplit.Test), Is.EqualTo(new[] { 1, 0 }), "images 8 (even: smiling) and 9");
        Assert.That(reader.ReadLabels(DatasetSplit.Train), Is.EqualTo(Enumerable.Range(0, 6).Select(n => DatasetFixtures.CelebASmiling(n) ? 1 : 0)));
        Assert.That(new CelebAReader(_dir, new CelebAOptions { Attribute = "Bald" }).ReadLabels(DatasetSplit.Train), Is.EqualTo(new[] { 1, 0, 0, 1, 0, 0 }));
    }

    [Test]
    public void CentreCropWithoutResizeKeepsTheDecodedPixelsExactly()
    {
        var reader = new CelebAReader(_dir, new CelebAOptions { ImageSize = 178 });
        using var data = ImageDatasetLoader.Load(reader, new ImageDatasetOptions { Split = DatasetSplit.Validation, Normalization = PixelNormalization.None, Layout = FeatureLayout.Image });
        Assert.That(data.Data.Features.shape, Is.EqualTo(new long[] { 2, 3, 178, 178 }));
        var actual = data.Data.Features.data<float>().ToArray();
        for (int k = 0; k < 2; k++)
        {
            var reference = DatasetFixtures.DecodeReference(ImagePath(_dir, 6 + k));
            for (int row = 0; row < 178; row++)
                for (int col = 0; col < 178; col++)
                {
                    var (r, g, b) = reference[row + 20, col]; // 218 − 178 = 40 rows cut, 20 at the top
                    int at = k * 3 * 178 * 178 + row * 178 + col;
                    if (actual[at] != r || actual[at + 178 * 178] != g || actual[at + 2 * 178 * 178] != b)
                        Assert.Fail($"image {k} row {row} col {col}: ({actual[at]}, {actual[at + 178 * 178]}, {actual[at + 2 * 178 * 178]}) vs ({r}, {g}, {b})");
                }
        }
    }

    [Test]
    public void HalvingIsTheMeanOfEachTwoByTwoBlock()
    {
        var reader = new CelebAReader(_dir, new CelebAOptions { ImageSize = 89 });
        var image = reader.ReadImages(DatasetSplit.Train, [3]).Single();
        var reference = DatasetFixtures.DecodeReference(ImagePath(_dir, 3));
        for (int row = 0; row < 89; row++)
            for (int col = 0; col < 89; col++)
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                        {
                            var p = reference[20 + 2 * row + dy, 2 * col + dx];
                            sum += c == 0 ? p.R : c == 1 ? p.G : p.B;
                        }
                    int expected = (int)Math.Round(sum / 4, MidpointRounding.AwayFromZero);
                    Assert.That(image.Pixels[c * 89 * 89 + row * 89 + col], Is.EqualTo(expected), $"row {row} col {col} channel {c}");
                }
    }

    [Test]
    public void DecodedColoursMatchTheDrawnBlocks()
    {
        // Independent of any decoder: the fixture's 16×16 blocks, away from their edges, survive JPEG at quality 100.
        var reader = new CelebAReader(_dir, new CelebAOptions { ImageSize = 178 });
        var image = reader.ReadImages(DatasetSplit.Train, [5]).Single();
        foreach (var (row, col) in new[] { (8 - 20 + 32, 8), (100, 72), (150, 168) })
        {
            var drawn = DatasetFixtures.CelebAColor(5, (row + 20) / 16, col / 16);
            Assert.That(image.Pixels[row * 178 + col], Is.EqualTo(drawn.Red).Within(4));
            Assert.That(image.Pixels[178 * 178 + row * 178 + col], Is.EqualTo(drawn.Green).Within(4));
            Assert.That(image.Pixels[2 * 178 * 178 + row * 178 + col], Is.EqualTo(drawn.Blue).Within(4));
        }
    }

    [Test]
    public void GrayscaleIsBt601LumaOfTheRgbPixels()
    {
        var rgb = new CelebAReader(_dir, new CelebAOptions { ImageSize = 32 }).ReadImages(DatasetSplit.Train, [1]).Single();
        var gray = new CelebAReader(_dir, new CelebAOptions { ImageSize = 32, Grayscale = true });
        Assert.That(gray.Shape, Is.EqualTo(new ImageShape(1, 32, 32)));
        var g = gray.ReadImages(DatasetSplit.Train, [1]).Single();
        Assert.That(g.Pixels, Has.Length.EqualTo(32 * 32));
        for (int i = 0; i < 32 * 32; i++)
        {
            double luma = 0.299 * rgb.Pixels[i] + 0.587 * rgb.Pixels[1024 + i] + 0.114 * rgb.Pixels[2048 + i];
            // Luma is taken before the RGB values are rounded to bytes, so it may differ from this by under one level.
            Assert.That(g.Pixels[i], Is.EqualTo(luma).Within(1.0), $"pixel {i}");
        }
    }

    [Test]
    public void BalancedDrawAndPlusMinusOneTargets()
    {
        var reader = new CelebAReader(_dir, new CelebAOptions { ImageSize = 16 });
        using var data = ImageDatasetLoader.Load(reader, new ImageDatasetOptions { SamplesPerClass = 2, Seed = 3, Labels = LabelMapping.PlusMinusOne });
        Assert.That(data.Data.Targets.shape, Is.EqualTo(new long[] { 4, 1 }));
        var targets = data.Data.Targets.data<float>().ToArray();
        Assert.That(targets.Count(t => t == 1f), Is.EqualTo(2));
        Assert.That(targets.Count(t => t == -1f), Is.EqualTo(2));
        for (int i = 0; i < 4; i++)
            Assert.That(targets[i], Is.EqualTo(DatasetFixtures.CelebASmiling(data.Selection.RecordIndices[i]) ? 1f : -1f));
    }

    [Test]
    public void UnknownAttributeListsTheAttributes()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(_dir, new CelebAOptions { Attribute = "Wavy_Hair" }));
        Assert.That(ex!.Message, Does.Contain("Wavy_Hair").And.Contain("Bald, Smiling, Young").And.Contain("list_attr_celeba.txt"));
    }

    [Test]
    public void MissingFilesAreNamed()
    {
        var copy = Copy();
        File.Delete(Path.Combine(copy, "list_eval_partition.txt"));
        var ex = Assert.Throws<FileNotFoundException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain(Path.Combine(copy, "list_eval_partition.txt")).And.Contain("img_align_celeba/").And.Contain("list_attr_celeba.txt"));

        copy = Copy();
        File.Delete(ImagePath(copy, 4));
        var reader = new CelebAReader(copy);
        var fx = Assert.Throws<FileNotFoundException>(() => ImageDatasetLoader.Load(reader));
        Assert.That(fx!.Message, Does.Contain(ImagePath(copy, 4)));
    }

    [Test]
    public void TruncatedJpegIsAnErrorWithTheOffsetWhereTheDataEnds()
    {
        var copy = Copy();
        var path = ImagePath(copy, 2);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(new CelebAReader(copy)));
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("truncated"));
        Assert.That(ex.ByteOffset, Is.EqualTo(bytes.Length / 2));
    }

    // Its second half overwritten by zeros (a write torn over preallocated space): libjpeg reports success with grey
    // pixels, so the missing end-of-image marker is what refuses it. Zero padding after an intact image is accepted.
    [Test]
    public void AJpegWhoseTailWasZeroedIsRefusedAndZeroPaddingIsNot()
    {
        var copy = Copy();
        var path = ImagePath(copy, 2);
        var intact = File.ReadAllBytes(path);
        File.WriteAllBytes(path, [.. intact, .. new byte[1000]]);
        Assert.DoesNotThrow(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [2]).Single());

        var torn = (byte[])intact.Clone();
        Array.Clear(torn, torn.Length / 2, torn.Length - torn.Length / 2);
        File.WriteAllBytes(path, torn);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(new CelebAReader(copy)));
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("no end-of-image marker"));
    }

    // The marker is found by walking the segments: data appended after the image (a "motion photo"'s video) is
    // accepted however long, and an FF D9 inside a segment (here a comment, as in an EXIF thumbnail) is not the image's end.
    [Test]
    public void TheEndOfImageIsTheImagesOwnWhateverSurroundsIt()
    {
        var copy = Copy();
        var path = ImagePath(copy, 2);
        var intact = File.ReadAllBytes(path);
        var appended = Enumerable.Range(0, 20_000).Select(i => (byte)(1 + i % 250)).ToArray();
        File.WriteAllBytes(path, [.. intact, .. appended]);
        var image = new CelebAReader(copy).ReadImages(DatasetSplit.Train, [2]).Single();

        byte[] comment = [0xFF, 0xFE, 0x00, 0x04, 0xFF, 0xD9];
        var commented = (byte[])[.. intact[..2], .. comment, .. intact[2..]];
        File.WriteAllBytes(path, commented);
        var same = new CelebAReader(copy).ReadImages(DatasetSplit.Train, [2]).Single();
        Assert.That(same.Pixels, Is.EqualTo(image.Pixels), "a comment changes no pixel");

        Array.Clear(commented, commented.Length / 2, commented.Length - commented.Length / 2);
        File.WriteAllBytes(path, commented);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [2]).Single());
        Assert.That(ex!.Message, Does.Contain(path).And.Contain("no end-of-image marker"));
    }

    [Test]
    public void PngOrGarbageInPlaceOfAJpegIsNamed()
    {
        var copy = Copy();
        File.WriteAllBytes(ImagePath(copy, 1), DatasetFixtures.EncodePng(DatasetFixtures.CelebAImage(1)));
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [1]).Single());
        Assert.That(ex!.Message, Does.Contain("expected a JPEG, found a Png image"));

        File.WriteAllBytes(ImagePath(copy, 1), Enumerable.Range(0, 500).Select(i => (byte)(i * 31 % 256)).ToArray());
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [1]).Single());
        Assert.That(ex!.Message, Does.Contain("expected a JPEG, found binary data starting 00 1F 3E"));

        File.WriteAllBytes(ImagePath(copy, 1), DatasetFixtures.EncodeJpeg(DatasetFixtures.CelebAImage(1, 250, 250)));
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [1]).Single());
        Assert.That(ex!.Message, Does.Contain("250×250").And.Contain("178×218"));

        // A JPEG whose start-of-image marker is intact but whose first segment claims 65,535 bytes: the codec refuses
        // the headers, and the message must not read "expected a JPEG, found a JPEG image".
        var jpeg = DatasetFixtures.EncodeJpeg(DatasetFixtures.CelebAImage(1));
        jpeg[4] = jpeg[5] = 0xFF;
        File.WriteAllBytes(ImagePath(copy, 1), jpeg);
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy).ReadImages(DatasetSplit.Train, [1]).Single());
        Assert.That(ex!.Message, Does.StartWith($"{ImagePath(copy, 1)}: corrupt JPEG: it starts as a JPEG, but its headers cannot be decoded"));
    }

    [TestCase(60_000, 60_000, "more than a decoded image can hold")]
    [TestCase(4_000, 4_000, "the image is 4000×4000; aligned CelebA images are 178×218")]
    // The limit itself (found by mutation round 31A): 4 bytes per pixel may reach Array.MaxLength, not pass it.
    [TestCase(23_171, 23_170, "more than a decoded image can hold")]
    [TestCase(23_170, 23_170, "the image is 23170×23170; aligned CelebA images are 178×218")]
    public void JpegDeclaringHugeDimensionsIsRefusedBeforeItsPixelsAreAllocated(int width, int height, string expected)
    {
        var copy = Copy();
        var jpeg = DatasetFixtures.EncodeJpeg(DatasetFixtures.CelebAImage(1));
        // The baseline start-of-frame segment: FF C0, length (2), precision (1), height (2), width (2). Declaring
        // 60,000² pixels used to crash the process: SkiaSharp's 32-bit buffer size wrapped and the decoder wrote past it.
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        jpeg[sof + 5] = (byte)(height >> 8);
        jpeg[sof + 6] = (byte)height;
        jpeg[sof + 7] = (byte)(width >> 8);
        jpeg[sof + 8] = (byte)width;
        File.WriteAllBytes(ImagePath(copy, 1), jpeg);
        var reader = new CelebAReader(copy);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => reader.ReadImages(DatasetSplit.Train, [1]).Single());
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the declared pixels");
        Assert.That(ex!.Message, Does.StartWith(ImagePath(copy, 1) + ": ").And.Contain(expected).And.Not.Contain("\n"));
    }

    [Test]
    public void CorruptAttributeFileGivesLineOffsetAndAttribute()
    {
        var copy = Copy();
        var path = Path.Combine(copy, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(path);
        lines[4] = lines[4].Replace(" 1", " 2").Replace("-1", " 2");
        File.WriteAllLines(path, lines);
        long offset = lines.Take(4).Sum(l => l.Length + 1);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain("line 5").And.Contain($"byte {offset}").And.Contain("attribute Bald"));
        Assert.That(ex.ByteOffset, Is.EqualTo(offset));

        File.WriteAllLines(path, File.ReadAllLines(Path.Combine(_dir, "list_attr_celeba.txt")).Take(8));
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain("declares 10 images but the file has 6 rows").And.Contain("truncated"));

        File.WriteAllBytes(path, [0x1F, 0x8B, 8, 0, 1, 2, 3]);
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain("image count").And.Contain("gzip"));
    }

    [Test]
    public void PartitionFileMustCoverEveryImage()
    {
        var copy = Copy();
        var path = Path.Combine(copy, "list_eval_partition.txt");
        File.WriteAllLines(path, File.ReadAllLines(path).Take(7));
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain("'000008.jpg'").And.Contain("no partition"));

        File.WriteAllLines(path, ["000001.jpg 0", "000002.jpg 7"]);
        ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.Contain("line 2 (byte 13)").And.Contain("<0|1|2>"));
    }

    // 32768 once reached libtorch as a negative dimension and 65536 indexed past the resampler's array.
    [TestCase(26_755)]
    [TestCase(32_768)]
    [TestCase(65_536)]
    [TestCase(int.MaxValue)]
    public void ImageSizeWhoseImageCannotFitOneArrayIsRefusedNamingTheOption(int size)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CelebAReader(_dir, new CelebAOptions { ImageSize = size }));
        Assert.That(ex!.Message, Does.Contain("CelebAOptions.ImageSize").And.Contain("at most 26,754").And.Not.Contain("\n"));
        Assert.That(CelebAReader.MaxImageSize, Is.EqualTo(26_754));
        Assert.That(new CelebAReader(_dir, new CelebAOptions { ImageSize = 26_754 }).Shape.Size, Is.EqualTo(3 * 26_754 * 26_754));
    }

    [TestCase("2000000000")]
    [TestCase("2147483647")]
    public void HugeImageCountIsComparedWithTheRowsNotAllocated(string count)
    {
        var copy = Copy();
        var path = Path.Combine(copy, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(path);
        lines[0] = count;
        File.WriteAllLines(path, lines);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the claimed count");
        Assert.That(ex!.Message, Does.StartWith(path).And.Contain($"declares {long.Parse(count):N0} images but the file has 10 rows"));
    }

    [Test]
    public void ASplitThePartitionFileLeavesEmptyIsRefusedWhenAskedFor()
    {
        var copy = Copy();
        var path = Path.Combine(copy, "list_eval_partition.txt");
        File.WriteAllLines(path, File.ReadAllLines(path).Select(l => l.Replace(" 0", " 1")));
        var reader = new CelebAReader(copy);
        Assert.That(reader.ReadLabels(DatasetSplit.Validation), Has.Length.EqualTo(8), "the other splits still load");
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(reader));
        Assert.That(ex!.Message, Is.EqualTo($"CelebA Train split is empty: {path} assigns no image to 0."));
        Assert.That(ex.FilePath, Is.EqualTo(path));
        Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Stream(reader));
        Assert.Throws<DatasetFormatException>(() => reader.FileNames(DatasetSplit.Train));
    }

    [TestCase("/etc/hostname", "is an absolute path")]
    [TestCase("../000001.jpg", "contains a folder separator")]
    [TestCase("sub/000001.jpg", "contains a folder separator")]
    [TestCase("..\\000001.jpg", "contains a folder separator")]
    [TestCase("..", "names a folder")]
    [TestCase(".", "names a folder")]
    public void AnImageNameOutsideTheImageFolderIsRefused(string name, string why)
    {
        var copy = Copy();
        var attributes = Path.Combine(copy, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(attributes);
        lines[3] = lines[3].Replace("000002.jpg", name);
        File.WriteAllLines(attributes, lines);
        var partitions = Path.Combine(copy, "list_eval_partition.txt");
        File.WriteAllLines(partitions, File.ReadAllLines(partitions).Select(l => l.Replace("000002.jpg", name)));
        long offset = lines.Take(3).Sum(l => l.Length + 1);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(copy));
        Assert.That(ex!.Message, Does.StartWith($"{attributes}: line 4 (byte {offset}): image name '{name}' {why}; expected a file name in img_align_celeba/"));
    }

    // The fixture's training split holds images 0..5 (partition 0): index 6, its length, is refused by the index check.
    [Test]
    public void ARecordIndexOfTheSplitsLengthIsRefusedNamingTheRange()
    {
        Assert.That(Enumerable.Range(0, 10).Count(n => DatasetFixtures.CelebAPartition(n) == 0), Is.EqualTo(6));
        var reader = new CelebAReader(_dir);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadImages(DatasetSplit.Train, [2, 6]).ToList());
        Assert.That(ex!.Message, Does.StartWith("Record indices must be strictly increasing and in 0..5."));
        Assert.That(ex.ActualValue, Is.EqualTo(6));
    }
}
