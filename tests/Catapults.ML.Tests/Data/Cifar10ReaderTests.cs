using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

public class Cifar10ReaderTests : TemporaryFolderTests
{
    private string _dir = null!;

    [SetUp]
    public void WriteFixture()
    {
        _dir = DatasetFixtures.WriteCifar(Temp.Path, perBatch: 6, testCount: 5);
    }

    [Test]
    public void TrainSplitHasEveryRecordOfTheFiveBatchesWithExactPixelsAndLabels()
    {
        var reader = new Cifar10Reader(_dir);
        Assert.That(reader.ClassNames, Is.EqualTo(DatasetFixtures.CifarClasses));
        using var data = ImageDatasetLoader.Load(reader, new ImageDatasetOptions
        {
            Normalization = PixelNormalization.None,
            Layout = FeatureLayout.Image,
        });
        Assert.That(data.Data.Features.shape, Is.EqualTo(new long[] { 30, 3, 32, 32 }));
        Assert.That(data.Data.Targets.dtype, Is.EqualTo(torch.ScalarType.Int64));
        var labels = data.Data.Targets.data<long>().ToArray();
        Assert.That(labels, Is.EqualTo(Enumerable.Range(0, 30).Select(n => (long)DatasetFixtures.CifarLabel(n)).ToArray()));
        var pixels = data.Data.Features.data<float>().ToArray();
        for (int n = 0; n < 30; n++)
            for (int c = 0; c < 3; c++)
                for (int row = 0; row < 32; row++)
                    for (int col = 0; col < 32; col++)
                        if (pixels[((n * 3 + c) * 32 + row) * 32 + col] != DatasetFixtures.CifarPixel(n, c, row, col))
                            Assert.Fail($"pixel n={n} c={c} row={row} col={col}");
    }

    [Test]
    public void TestSplitReadsTestBatchOnly()
    {
        using var data = ImageDatasetLoader.Load(new Cifar10Reader(_dir), new ImageDatasetOptions { Split = DatasetSplit.Test, Normalization = PixelNormalization.None });
        Assert.That(data.Count, Is.EqualTo(5));
        Assert.That(data.Data.Features.shape, Is.EqualTo(new long[] { 5, 3072 }));
        // Flat layout is channel-major: element c·1024 + row·32 + col.
        Assert.That(data.Data.Features[4, 2 * 1024 + 7 * 32 + 9].ToSingle(), Is.EqualTo(DatasetFixtures.CifarPixel(100004, 2, 7, 9)));
        Assert.That(data.Data.Targets[4].ToInt64(), Is.EqualTo(DatasetFixtures.CifarLabel(100004)));
    }

    [Test]
    public void TruncatedBatchNamesTheFileAndTheOffsetOfTheCutRecord()
    {
        var path = Path.Combine(_dir, "data_batch_3.bin");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(4 * 3073 + 100)]);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.ByteOffset, Is.EqualTo(4 * 3073));
        Assert.That(ex.Message, Does.Contain("data_batch_3.bin").And.Contain("truncated").And.Contain("12,292"));
    }

    [Test]
    public void CorruptLabelByteGivesRecordAndOffset()
    {
        var path = Path.Combine(_dir, "data_batch_2.bin");
        var bytes = File.ReadAllBytes(path);
        bytes[3 * 3073] = 200;
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<DatasetFormatException>(() => ImageDatasetLoader.Load(new Cifar10Reader(_dir)));
        Assert.That(ex!.ByteOffset, Is.EqualTo(3 * 3073));
        Assert.That(ex.Message, Does.Contain("data_batch_2.bin").And.Contain("record 3").And.Contain("200"));
    }

    [Test]
    public void ArchiveInPlaceOfABatchIsNamed()
    {
        File.WriteAllBytes(Path.Combine(_dir, "test_batch.bin"), [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir).ReadLabels(DatasetSplit.Test));
        Assert.That(ex!.Message, Does.Contain("gzip"));
    }

    [Test]
    public void Cifar100BinaryIsRecognised()
    {
        File.WriteAllBytes(Path.Combine(_dir, "test_batch.bin"), new byte[3 * 3074]);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir).ReadLabels(DatasetSplit.Test));
        Assert.That(ex!.Message, Does.Contain("CIFAR-100"));
    }

    [Test]
    public void MissingDirectoryAndMissingBatchListTheExpectedFiles()
    {
        var missing = Path.Combine(Temp.Path, "nowhere");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new Cifar10Reader(missing));
        Assert.That(ex!.Message, Does.Contain(missing).And.Contain("data_batch_1.bin").And.Contain("batches.meta.txt"));

        File.Delete(Path.Combine(_dir, "data_batch_4.bin"));
        var reader = new Cifar10Reader(_dir);
        var fx = Assert.Throws<FileNotFoundException>(() => reader.ReadLabels(DatasetSplit.Train));
        Assert.That(fx!.Message, Does.Contain(Path.Combine(_dir, "data_batch_4.bin")).And.Contain("test_batch.bin"));
        Assert.That(reader.ReadLabels(DatasetSplit.Test), Has.Length.EqualTo(5), "the test split needs no training batch");
    }

    [Test]
    public void MetaFileWithWrongClassCountIsRejected()
    {
        File.WriteAllText(Path.Combine(_dir, "batches.meta.txt"), "cat\ndog\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir));
        Assert.That(ex!.Message, Does.Contain("10 class names").And.Contain("found 2"));
    }

    [Test]
    public void DataRootComesFromTheOptionOrTheEnvironment()
    {
        var previous = Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, Temp.Path);
            Assert.That(Cifar10Reader.FromDataRoot().Directory, Is.EqualTo(_dir));
            Assert.That(Cifar10Reader.FromDataRoot(_dir).Directory, Is.EqualTo(_dir), "a root may point at the dataset folder itself");
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, null);
            var ex = Assert.Throws<InvalidOperationException>(() => Cifar10Reader.FromDataRoot());
            Assert.That(ex!.Message, Does.Contain("CATAPULTS_DATA").And.Contain("pass the dataRoot argument"));
            var missing = Temp.Combine("nowhere");
            var nx = Assert.Throws<DirectoryNotFoundException>(() => Cifar10Reader.FromDataRoot(missing));
            Assert.That(nx!.Message, Is.EqualTo($"The data root '{missing}' (from the dataRoot argument) does not exist."));
            var empty = Temp.Combine("empty");
            Directory.CreateDirectory(empty);
            var dx = Assert.Throws<DirectoryNotFoundException>(() => Cifar10Reader.FromDataRoot(empty));
            Assert.That(dx!.Message, Does.Contain(Path.Combine(empty, "cifar-10-batches-bin")).And.Contain("data_batch_1.bin"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, previous);
        }
    }

    // Five sparse batches of 500 million records each: every file passes its own checks, but their sum overflowed
    // an int (OverflowException from Enumerable.Sum).
    [Test]
    public void BatchesHoldingMoreRecordsThanASplitCanNumberAreRefused()
    {
        for (int b = 1; b <= 5; b++)
            using (var file = File.Open(Path.Combine(_dir, $"data_batch_{b}.bin"), FileMode.Create))
                file.SetLength(Cifar10Reader.RecordSize * 500_000_000L);
        var reader = new Cifar10Reader(_dir);
        var ex = Assert.Throws<DatasetFormatException>(() => reader.ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("Train split: the batch files hold 2,500,000,000 records together")
            .And.Contain(Path.Combine(_dir, "data_batch_1.bin")).And.Not.Contain("\n"));
        Assert.Throws<DatasetFormatException>(() => reader.ReadImages(DatasetSplit.Train).First());
    }

    [Test]
    public void MetaFileNamingAClassTwiceIsRejectedWithTheLine()
    {
        string path = Path.Combine(_dir, "batches.meta.txt");
        File.WriteAllText(path, "airplane\nautomobile\nbird\ncat\n\ndeer\ndog\nfrog\nhorse\nship\nCat\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: line 11 names class 'Cat' again (first on line 4); expected 10 distinct class names."));

        File.WriteAllLines(path, Enumerable.Repeat("cat", 10));
        ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir));
        Assert.That(ex!.Message, Does.Contain("line 2 names class 'cat' again (first on line 1)"));
    }

    [Test]
    public void MetaFileOverAMegabyteIsNotReadWhole()
    {
        string path = Path.Combine(_dir, "batches.meta.txt");
        using (var file = File.Open(path, FileMode.Append)) file.SetLength(1L << 30);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(_dir));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4L << 20), "allocated for the file");
        Assert.That(ex!.Message, Does.StartWith($"{path}: the file is 1,073,741,824 bytes; a batches.meta.txt lists 10 class names"));

        File.WriteAllText(path, string.Join("\r\n", DatasetFixtures.CifarClasses));
        Assert.That(new Cifar10Reader(_dir).ClassNames, Is.EqualTo(DatasetFixtures.CifarClasses), "a small file is read as before");
    }

    // The limit is inclusive: a batches.meta.txt of exactly MaxMetaFileBytes bytes (the ten names, then blank padding)
    // is read.
    [Test]
    public void AMetaFileOfExactlyTheLimitIsRead()
    {
        string path = Path.Combine(_dir, "batches.meta.txt");
        string names = string.Join("\n", DatasetFixtures.CifarClasses) + "\n";
        File.WriteAllText(path, names + new string(' ', Cifar10Reader.MaxMetaFileBytes - names.Length));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(Cifar10Reader.MaxMetaFileBytes));
        Assert.That(new Cifar10Reader(_dir).ClassNames, Is.EqualTo(DatasetFixtures.CifarClasses));
    }
}
