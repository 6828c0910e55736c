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
        Assert.That(ex.ParamName, Is.EqualTo("recordIndices"), "the public parameter, as the out-of-order refusal names it");
    }

    [Test]
    public void DecreasingRecordIndicesAreRefusedAsOutOfOrder()
    {
        var reader = new Cifar10Reader(DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1));
        var ex = Assert.Throws<ArgumentException>(() => reader.ReadImages(DatasetSplit.Train, [5, 3]).ToList());
        Assert.That(ex!.Message, Does.StartWith("Record indices must be strictly increasing; index 3 at position 1 is not."));
    }

    // Found by mutation testing (round 24A): a batch whose first byte is 10 (a newline, as a text file may start)
    // cannot start with a label 0–9, so the file is named for what it is, not reported as a corrupt record 0.
    [Test]
    public void ABatchStartingWithByteTenIsNamedForWhatItIs()
    {
        string dir = DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1);
        string batch = Path.GetFullPath(Path.Combine(dir, "data_batch_1.bin"));
        var text = Enumerable.Repeat((byte)'a', Cifar10Reader.RecordSize).ToArray();
        text[0] = (byte)'\n';
        File.WriteAllBytes(batch, text);
        var ex = Assert.Throws<DatasetFormatException>(() => new Cifar10Reader(dir).ReadLabels(DatasetSplit.Train));
        Assert.That(ex!.Message, Does.StartWith($"{batch}: expected CIFAR-10 binary records (a label byte 0–9 first), found text"));
    }
    // Found by mutation testing (round 31A): 9 is a label like any other, also in a batch's first byte, which is
    // checked alone when the file is opened.
    [Test]
    public void ABatchStartingWithLabelNineIsRead()
    {
        string dir = DatasetFixtures.WriteCifar(Temp.Path, perBatch: 2, testCount: 1);
        string batch = Path.Combine(dir, "test_batch.bin");
        var bytes = File.ReadAllBytes(batch);
        bytes[0] = 9;
        File.WriteAllBytes(batch, bytes);
        Assert.That(new Cifar10Reader(dir).ReadLabels(DatasetSplit.Test), Is.EqualTo(new[] { 9 }));
    }
}
