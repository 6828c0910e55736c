using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// Found by mutation testing (5 Dec 2026): list_attr_celeba.txt with more rows than its first line declares was
/// untested (only a truncated file was): accepting the extra rows left the suite green.
/// </summary>
public sealed class CelebADeclaredCountTests : TemporaryFolderTests
{
    [Test]
    public void MoreRowsThanTheDeclaredCountAreRefused()
    {
        var dir = DatasetFixtures.WriteCelebA(Temp.Path);
        var attr = Path.Combine(dir, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(attr);
        lines[0] = "9";
        File.WriteAllLines(attr, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir, new CelebAOptions { Attribute = "Smiling" }));
        Assert.That(ex!.Message, Does.Contain("declares 9 images but the file has 10 rows"));
    }

    // A negative count is no count at all: it is refused on line 1, not taken as a claim the rows then contradict.
    [Test]
    public void ANegativeDeclaredCountIsRefusedOnLineOne()
    {
        var dir = DatasetFixtures.WriteCelebA(Temp.Path);
        var attr = Path.Combine(dir, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(attr);
        lines[0] = "-1";
        File.WriteAllLines(attr, lines);
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir, new CelebAOptions { Attribute = "Smiling" }));
        Assert.That(ex!.Message, Does.StartWith($"{attr}: line 1 (byte 0) should be the image count, found '-1'"));
        Assert.That(ex.ByteOffset, Is.EqualTo(0));
    }

    // A list that stops after its count line is truncated where the file ends.
    [Test]
    public void AListEndingAfterTheCountIsTruncatedAtTheEndOfTheFile()
    {
        var dir = DatasetFixtures.WriteCelebA(Temp.Path);
        var attr = Path.Combine(dir, "list_attr_celeba.txt");
        File.WriteAllText(attr, "10\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir, new CelebAOptions { Attribute = "Smiling" }));
        Assert.That(ex!.Message, Is.EqualTo($"{attr}: truncated: the file ends after line 1, before the attribute names."));
        Assert.That(ex.ByteOffset, Is.EqualTo(3));
    }
    // Found by mutation testing (round 31A): a surplus row is reported at the end of the last row read, where the
    // rows the count allows were already passed.
    [Test]
    public void MoreRowsThanTheDeclaredCountAreReportedAtTheEndOfTheLastRow()
    {
        var dir = DatasetFixtures.WriteCelebA(Temp.Path);
        var attr = Path.Combine(dir, "list_attr_celeba.txt");
        var lines = File.ReadAllLines(attr);
        lines[0] = "9";
        File.WriteAllText(attr, string.Join("\n", lines) + "\n");
        var ex = Assert.Throws<DatasetFormatException>(() => new CelebAReader(dir, new CelebAOptions { Attribute = "Smiling" }));
        Assert.That(ex!.Message, Is.EqualTo($"{attr}: line 1 declares 9 images but the file has 10 rows."));
        Assert.That(ex.ByteOffset, Is.EqualTo(new FileInfo(attr).Length - 1));
    }
}
