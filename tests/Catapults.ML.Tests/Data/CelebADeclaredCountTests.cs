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
}
