using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

// A damaged label or a record request the split cannot meet must surface as an error, not as a label no class
// name matches or a silently shorter list of images.
public sealed class Cifar10RecordRefusalTests : TemporaryFolderTests
{
    [Test]
    public void ALabelByteOfTenIsCorrupt()
    {
        string dir = DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1);
        string batch = Path.Combine(dir, "data_batch_1.bin");
        var bytes = File.ReadAllBytes(batch);
        // The second record's label: the first byte of a batch is already checked when the file is opened.
        bytes[1 + 32 * 32 * 3] = 10;
        File.WriteAllBytes(batch, bytes);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain("corrupt record 1 at byte 3073: label byte is 10"));
    }

    [Test]
    public void ARecordPastTheSplitIsAnError()
    {
        var reader = new Cifar10Reader(DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadImages(DatasetSplit.Train, [1, 10]).ToList());
        Assert.That(ex!.ActualValue, Is.EqualTo(10));
    }

    [Test]
    public void DecreasingRecordIndicesAreRefusedAsOutOfOrder()
    {
        var reader = new Cifar10Reader(DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1));
        var ex = Assert.Throws<ArgumentException>(() => reader.ReadImages(DatasetSplit.Train, [5, 3]).ToList());
        Assert.That(ex!.Message, Does.StartWith("Record indices must be strictly increasing; index 3 at position 1 is not."));
    }
}
