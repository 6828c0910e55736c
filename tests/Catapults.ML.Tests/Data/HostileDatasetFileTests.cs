using Catapults.ML.Data;
using System.Buffers.Binary;
using System.IO.Compression;
using Catapults.ML.Data.Images;
using Catapults.ML.Data.Matlab;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Dataset files a careless copy or a hostile hand could leave: a folder where a file belongs, a binary file where text
/// belongs, two CelebA lists that disagree. Each must fail with one <see cref="DatasetFormatException"/> that names the
/// file, never a raw access error, a misleading "missing", or control characters echoed to the terminal.
/// </summary>
public sealed class HostileDatasetFileTests : TemporaryFolderTests
{
    private static void ReplaceWithFolder(string path)
    {
        File.Delete(path);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "x");
    }

    private static void AssertOneLineNaming(Exception ex, string path)
    {
        Assert.That(ex.Message, Does.Contain(path));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
        Assert.That(ex.Message.Any(c => char.IsControl(c)), Is.False, "no control characters in the message");
    }

    [TestCase("batches.meta.txt")]
    [TestCase("test_batch.bin")]
    [TestCase("data_batch_3.bin")]
    public void CifarFolderWhereAFileBelongsIsNamed(string name)
    {
        string dir = DatasetFixtures.WriteCifar(Temp.Path);
        string path = Path.Combine(dir, name);
        ReplaceWithFolder(path);
        var ex = Assert.Throws<DatasetFormatException>(() =>
        {
            var reader = new Cifar10Reader(dir);
            reader.ReadLabels(DatasetSplit.Train);
            reader.ReadLabels(DatasetSplit.Test);
        });
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("is a folder"));
    }

    [Test]
    public void BinaryCifarMetaFileIsDescribedNotEchoed()
    {
        string dir = DatasetFixtures.WriteCifar(Temp.Path);
        string path = Path.Combine(dir, "batches.meta.txt");
        var bytes = new byte[2048];
        new Random(5).NextBytes(bytes);
        for (int i = 0; i < 9; i++) bytes[100 + i * 200] = (byte)'\n'; // ten "lines", so only the content can give it away
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(dir));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message.Length, Is.LessThan(path.Length + 200), "the file's content is not echoed");
    }

    [TestCase("list_attr_celeba.txt")]
    [TestCase("list_eval_partition.txt")]
    public void CelebAFolderWhereAListBelongsIsNamed(string name)
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string path = Path.Combine(dir, name);
        ReplaceWithFolder(path);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("is a folder"));
    }

    [Test]
    public void CelebAImageFolderThatIsAFileIsNamed()
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string path = Path.Combine(dir, "img_align_celeba");
        Directory.Delete(path, true);
        File.WriteAllText(path, "not a folder");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("expected a folder"));
    }

    [Test]
    public void CelebAJpegThatIsAFolderIsNamed()
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string path = Path.Combine(dir, "img_align_celeba", "000001.jpg");
        ReplaceWithFolder(path);
        var reader = new CelebAReader(dir);
        var ex = Assert.Throws<DatasetFormatException>(() => reader.ReadImages(DatasetSplit.Train).ToList());
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("is a folder"));
    }

    [Test]
    public void CelebAPartitionListingUnknownImagesIsRefused()
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string path = Path.Combine(dir, "list_eval_partition.txt");
        File.AppendAllText(path, "999999.jpg 0\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("999999.jpg").And.Contain("list_attr_celeba.txt"));
    }

    [Test]
    public void CelebAAttributeNameWithControlCharactersIsNotEchoedRaw()
    {
        string dir = DatasetFixtures.WriteCelebA(Temp.Path);
        string path = Path.Combine(dir, "list_attr_celeba.txt");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir, new CelebAOptions { Attribute = "Bea\u001b[2Jrd" }));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("\\u001B"));
    }

    [Test]
    public void SvhnFolderWhereTheMatFileBelongsIsNamed()
    {
        string dir = Temp.Combine("svhn");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "train_32x32.mat");
        Directory.CreateDirectory(path);
        var reader = new SvhnReader(dir);
        var ex = Assert.Throws<DatasetFormatException>(() => reader.ReadLabels(DatasetSplit.Train));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("is a folder"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MatSubElementClaimingAGigabyteIsRefusedWithoutAllocatingIt(bool compressed)
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.UInt8("X", [2, 3], [1, 2, 3, 4, 5, 6]));
        // The dimensions' tag follows the miMATRIX tag and the 16 bytes of flags; its length claims 1 GiB.
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(28), 1 << 30);
        string path = WriteMat(compressed ? "compressed.mat" : "plain.mat", matrix, compressed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the claim");
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("the dimensions"));
    }

    // 65536⁴ = 2⁶⁴ elements wraps a long product to 0, which an empty real part would then match.
    [Test]
    public void MatDimensionsWhoseProductWrapsAreRefused()
    {
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.UInt8("A", [65536, 65536, 65536, 65536], []));
        string path = WriteMat("wrap.mat", matrix, compressed: false);
        var ex = Assert.Throws<DatasetFormatException>(() => MatFile.Open(path).GetVariable("A"));
        AssertOneLineNaming(ex!, path);
        Assert.That(ex!.Message, Does.Contain("65536×65536×65536×65536").And.Contain("2⁶⁰ elements or more"));
    }

    [Test]
    public void CompressedMatArrayClaimingMoreValuesThanItHoldsIsNotAllocatedWhole()
    {
        // y claims 2^28 one-byte values (its dimensions and its real part's tag agree) but holds 8.
        var matrix = MatV5Writer.MatrixElement(MatV5Writer.UInt8("y", [1 << 28, 1], [1, 2, 3, 4, 5, 6, 7, 8]));
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(52), 1 << 28);
        string path = WriteMat("labels.mat", matrix, compressed: true);
        var file = MatFile.Open(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => file.ReadDoubles("y"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20), "allocated for the claim");
        AssertOneLineNaming(ex!, path);
    }

    // A one-variable MAT file; compressed, the matrix also claims 2 GiB, since inside compressed data nothing bounds
    // a claim beforehand.
    private string WriteMat(string name, byte[] matrix, bool compressed)
    {
        string path = Temp.Combine(name);
        using var file = File.Create(path);
        file.Write(MatV5Writer.Header("MATLAB 5.0 MAT-file"));
        if (!compressed)
        {
            file.Write(matrix);
            return path;
        }
        BinaryPrimitives.WriteInt32LittleEndian(matrix.AsSpan(4), int.MaxValue - 7);
        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(matrix);
        file.Write(MatV5Writer.Tag(MatV5Writer.MiCompressed, (int)packed.Length));
        file.Write(packed.ToArray());
        return path;
    }
}
