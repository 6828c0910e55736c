using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Found by mutation testing (5 Dec 2026), a fault no test saw: SVHN record indices must be strictly increasing; a repeated index is refused
/// rather than read as the next record's image under the repeated index's label.
/// </summary>
public class SvhnRecordIndexTests : TemporaryFolderTests
{
    [Test]
    public void ARepeatedRecordIndexIsRefused()
    {
        string dir = Temp.Combine("svhn");
        Directory.CreateDirectory(dir);
        DatasetFixtures.WriteSvhn(Path.Combine(dir, "train_32x32.mat"), 10, compressed: false);
        var reader = new SvhnReader(dir);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadImages(DatasetSplit.Train, [2, 2, 5]).ToList());
        Assert.That(reader.ReadImages(DatasetSplit.Train, [2, 5]).Select(i => i.RecordIndex), Is.EqualTo(new[] { 2, 5 }));
    }

    // The split's own length is one past its last record: refused by the index check, which names the valid range.
    [Test]
    public void ARecordIndexOfTheSplitsLengthIsRefusedNamingTheRange()
    {
        string dir = Temp.Combine("svhn");
        Directory.CreateDirectory(dir);
        DatasetFixtures.WriteSvhn(Path.Combine(dir, "train_32x32.mat"), 5, compressed: false);
        var reader = new SvhnReader(dir);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadImages(DatasetSplit.Train, [1, 5]).ToList());
        Assert.That(ex!.Message, Does.StartWith("Record indices must be strictly increasing and in 0..4."));
        Assert.That(ex.ActualValue, Is.EqualTo(5));
    }
}
