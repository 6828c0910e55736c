using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Data.Matlab;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

public class SvhnReaderTests : TemporaryFolderTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder()
    {
        _dir = Temp.Combine("svhn");
        Directory.CreateDirectory(_dir);
    }

    private string TrainPath => Path.Combine(_dir, "train_32x32.mat");

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void ReadsLabelsAndColumnMajorPixelsExactly(bool compressed, bool labelsAsUInt8)
    {
        DatasetFixtures.WriteSvhn(TrainPath, 13, compressed, labelsAsUInt8);
        var reader = new SvhnReader(_dir);
        Assert.That(reader.ReadLabels(DatasetSplit.Train), Is.EqualTo(Enumerable.Range(0, 13).Select(DatasetFixtures.SvhnDigit).ToArray()));
        Assert.That(reader.ReadLabels(DatasetSplit.Train)[9], Is.EqualTo(0), "label 10 is digit 0");

        using var data = ImageDatasetLoader.Load(reader, new ImageDatasetOptions { Normalization = PixelNormalization.None, Layout = FeatureLayout.Image });
        var pixels = data.Data.Features.data<float>().ToArray();
        for (int n = 0; n < 13; n++)
            for (int c = 0; c < 3; c++)
                for (int row = 0; row < 32; row++)
                    for (int col = 0; col < 32; col++)
                        if (pixels[((n * 3 + c) * 32 + row) * 32 + col] != DatasetFixtures.SvhnPixel(n, c, row, col))
                            Assert.Fail($"pixel n={n} c={c} row={row} col={col}: {pixels[((n * 3 + c) * 32 + row) * 32 + col]} vs {DatasetFixtures.SvhnPixel(n, c, row, col)}");
        // A transposed read would put X(row=1, col=0) = 3 where X(row=0, col=1) = 7 belongs.
        Assert.That(data.Data.Features[0, 0, 0, 1].ToSingle(), Is.EqualTo(7f));
        Assert.That(data.Data.Features[0, 0, 1, 0].ToSingle(), Is.EqualTo(3f));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MatFileScanFindsVariablesWithoutReadingData(bool compressed)
    {
        DatasetFixtures.WriteSvhn(TrainPath, 4, compressed);
        var file = MatFile.Open(TrainPath);
        Assert.That(file.HeaderText, Does.StartWith("MATLAB 5.0 MAT-file"));
        Assert.That(file.Variables.Select(v => v.Name), Is.EqualTo(new[] { "X", "y" }));
        var x = file.GetVariable("X");
        Assert.That(x.Class, Is.EqualTo(MatArrayClass.UInt8));
        Assert.That(x.Dimensions, Is.EqualTo(new[] { 32, 32, 3, 4 }));
        Assert.That(x.IsCompressed, Is.EqualTo(compressed));
        Assert.That(file.ReadDoubles("y"), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
        var ex = Assert.Throws<DatasetFormatException>(() => file.GetVariable("Z"));
        Assert.That(ex!.Message, Does.Contain("X: uint8 32×32×3×4").And.Contain("y: double 4×1"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SkippingRecordsStreamsOnlyTheSelectedImages(bool compressed)
    {
        DatasetFixtures.WriteSvhn(TrainPath, 40, compressed);
        var reader = new SvhnReader(_dir);
        var images = reader.ReadImages(DatasetSplit.Train, [2, 3, 17, 39]).ToList();
        Assert.That(images.Select(i => i.RecordIndex), Is.EqualTo(new[] { 2, 3, 17, 39 }));
        foreach (var image in images)
        {
            Assert.That(image.Label, Is.EqualTo(DatasetFixtures.SvhnDigit(image.RecordIndex)));
            Assert.That(image.Pixels[2 * 1024 + 5 * 32 + 30], Is.EqualTo(DatasetFixtures.SvhnPixel(image.RecordIndex, 2, 5, 30)));
        }
    }

    [Test]
    public void DigitSubsetWithSamplesPerClassIsABinaryTask()
    {
        DatasetFixtures.WriteSvhn(TrainPath, 60, compressed: true);
        using var data = ImageDatasetLoader.Load(new SvhnReader(_dir), new ImageDatasetOptions
        {
            Classes = [3, 8],
            SamplesPerClass = 4,
            Seed = 5,
            Labels = LabelMapping.PlusMinusOne,
        });
        Assert.That(data.Count, Is.EqualTo(8));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "3", "8" }));
        var targets = data.Data.Targets.data<float>().ToArray();
        var records = data.Selection.RecordIndices;
        for (int i = 0; i < 8; i++)
        {
            int digit = DatasetFixtures.SvhnDigit(records[i]);
            Assert.That(digit, Is.AnyOf(3, 8));
            Assert.That(targets[i], Is.EqualTo(digit == 8 ? 1f : -1f));
        }
        Assert.That(records.Count(r => DatasetFixtures.SvhnDigit(r) == 3), Is.EqualTo(4));
    }

    [Test]
    public void Version73HdfFileIsNamedAsSuch()
    {
        var bytes = new byte[600];
        MatV5Writer.Header("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 .").CopyTo(bytes, 0);
        FileFormatSniffer.Hdf5Signature.CopyTo(bytes.AsSpan(512));
        File.WriteAllBytes(TrainPath, bytes);
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("v7.3").And.Contain("HDF5").And.Contain(TrainPath));
    }

    [Test]
    public void TextFileIsNotAMatFile()
    {
        File.WriteAllText(TrainPath, "label,pixel\n1,2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("not a MATLAB v5 MAT-file").And.Contain("text starting 'label,pixel'"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TruncatedFileGivesTheOffsetWhereItEnds(bool compressed)
    {
        DatasetFixtures.WriteSvhn(TrainPath, 20, compressed);
        var bytes = File.ReadAllBytes(TrainPath);
        int cut = compressed ? 200 : 128 + 30_000;
        File.WriteAllBytes(TrainPath, bytes[..cut]);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(new SvhnReader(_dir)));
        Assert.That(ex!.Message, Does.Contain("truncated").And.Contain("element at byte 128"));
        Assert.That(ex.ByteOffset, Is.EqualTo(cut));
    }

    [Test]
    public void CorruptCompressedDataIsReportedWithTheElementOffset()
    {
        DatasetFixtures.WriteSvhn(TrainPath, 20, compressed: true);
        var bytes = File.ReadAllBytes(TrainPath);
        // Garble the deflate stream of X after its header (bytes 128..135 are the element tag, 136..137 the zlib header).
        for (int i = 300; i < 340; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(TrainPath, bytes);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(new SvhnReader(_dir)));
        Assert.That(ex!.Message, Does.Contain("compressed element at byte 128"));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    [Test]
    public void CorruptionDeepInACompressedImageArrayFailsTheLoadNotSilently()
    {
        // Low-entropy random pixels compress with Huffman codes, so garbling the middle of the stream breaks decoding
        // there: the header scan and the labels (a separate element) are fine, reading the images is not.
        var random = new Random(7);
        var x = new byte[50 * 3072];
        for (int i = 0; i < x.Length; i++) x[i] = (byte)random.Next(16);
        MatV5Writer.Write(TrainPath, true,
            MatV5Writer.UInt8("X", [32, 32, 3, 50], x),
            MatV5Writer.Double("y", [50, 1], Enumerable.Range(0, 50).Select(n => (double)(n % 10 + 1)).ToArray()));
        var bytes = File.ReadAllBytes(TrainPath);
        int middle = 128 + 8 + (int)(0.6 * BitConverter.ToUInt32(bytes, 132));
        for (int i = middle; i < middle + 64; i++) bytes[i] ^= 0xA5;
        File.WriteAllBytes(TrainPath, bytes);

        var reader = new SvhnReader(_dir);
        Assert.That(reader.ReadLabels(DatasetSplit.Train), Has.Length.EqualTo(50));
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(reader));
        Assert.That(ex!.Message, Does.Contain("compressed element at byte 128").And.Contain("values"));
        Assert.That(ex.ByteOffset, Is.EqualTo(128));
    }

    // A bit damaged in place still decompresses; only the checksum at the end of the element tells. A subset stops
    // reading before it, and used to load the damaged pixels as data. Here the checksum itself is damaged, so the
    // pixels read are intact and only the checksum can refuse the file.
    [Test]
    public void ASubsetStillChecksTheCompressedImagesChecksum()
    {
        DatasetFixtures.WriteSvhn(TrainPath, 40, compressed: true);
        var bytes = File.ReadAllBytes(TrainPath);
        int end = 128 + 8 + (int)BitConverter.ToUInt32(bytes, 132);
        bytes[end - 1] ^= 0x01;   // the last byte of X's zlib stream: its Adler-32
        File.WriteAllBytes(TrainPath, bytes);
        var reader = new SvhnReader(_dir);
        var ex = Assert.Throws<DatasetFormatException>(() => reader.ReadImages(DatasetSplit.Train, [0, 3]).ToList());
        Assert.That(ex!.Message, Does.Contain("corrupt compressed data").And.Contain("compressed element at byte 128"));
    }

    // MATLAB drops trailing singleton dimensions, so a split of one image holds X as 32×32×3.
    [Test]
    public void ASplitOfOneImageSavedWithoutItsLastDimensionIsRead()
    {
        var one = DatasetFixtures.SvhnX(1);
        MatV5Writer.Write(TrainPath, true, MatV5Writer.UInt8("X", [32, 32, 3], one), MatV5Writer.Double("y", [1, 1], [10.0]));
        var image = new SvhnReader(_dir).ReadImages(DatasetSplit.Train).Single();
        Assert.That(image.Label, Is.EqualTo(0), "label 10 is digit 0");
        Assert.That(image.Pixels[1], Is.EqualTo(DatasetFixtures.SvhnPixel(0, 0, 0, 1)));
        Assert.That(image.Pixels[32], Is.EqualTo(DatasetFixtures.SvhnPixel(0, 0, 1, 0)));
    }

    [Test]
    public void CorruptDimensionsAndLabelsAreRejected()
    {
        MatV5Writer.Write(TrainPath, false,
            MatV5Writer.UInt8("X", [32, 32, 3, 2], new byte[2 * 3072]),
            MatV5Writer.Double("y", [2, 1], [4, 11]));
        var ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("y(2) = 11"));

        MatV5Writer.Write(TrainPath, false,
            MatV5Writer.UInt8("X", [28, 28, 1, 2], new byte[2 * 784]),
            MatV5Writer.Double("y", [2, 1], [4, 5]));
        ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("28×28×1×2").And.Contain("32×32×3×N"));

        // A data element shorter than the dimensions say.
        var bad = new MatV5Writer.Array("X", MatV5Writer.MxUInt8, [32, 32, 3, 2], MatV5Writer.MiUInt8, new byte[3072]);
        MatV5Writer.Write(TrainPath, false, bad, MatV5Writer.Double("y", [2, 1], [4, 5]));
        ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("corrupt array 'X'").And.Contain("6,144 bytes").And.Contain("3,072"));

        MatV5Writer.Write(TrainPath, true, MatV5Writer.UInt8("X", [32, 32, 3, 1], new byte[3072]));
        ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("no variable 'y'").And.Contain("X: uint8"));

        MatV5Writer.Write(TrainPath, false, MatV5Writer.UInt8("X", [32, 32, 3, 0], []), MatV5Writer.Double("y", [0, 1], []));
        ex = Assert.Throws<DatasetFormatException>(() => new SvhnReader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("32×32×3×0").And.Contain("holds no images"));
    }

    [Test]
    public void MissingSplitFileListsTheExpectedFiles()
    {
        DatasetFixtures.WriteSvhn(TrainPath, 2, compressed: false);
        var reader = new SvhnReader(_dir);
        var ex = Assert.Throws<FileNotFoundException>(() => reader.ReadLabels(DatasetSplit.Extra));
        Assert.That(ex!.Message, Does.Contain(Path.Combine(_dir, "extra_32x32.mat")).And.Contain("train_32x32.mat, test_32x32.mat"));
        var dx = Assert.Throws<DirectoryNotFoundException>(() => new SvhnReader(Temp.Combine("missing")));
        Assert.That(dx!.Message, Does.Contain("train_32x32.mat"));
    }
}
