using Catapults.ML.Data;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

// A CSV whose columns cannot make a sound dataset must be refused, not read into one that leaks the target into the
// features or holds a class index cross-entropy cannot use.
public sealed class CsvColumnRoleRefusalTests : TemporaryFolderTests
{
    private string Write(string text)
    {
        var path = Temp.Combine("data.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void ASingleColumnFileIsAFormatFaultNamingWhatWasFound()
    {
        string path = Write("y\n1\n2\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path));
        Assert.That(ex!.Message, Does.Contain("line 1 has 1 column with separator ','"));
    }

    [Test]
    public void AColumnThatIsBothFeatureAndTargetIsRefused()
    {
        string path = Write("x,y\n1,2\n");
        var ex = Assert.Throws<ArgumentException>(() =>
            CsvDatasetReader.Read(path, new CsvDatasetOptions { FeatureColumns = ["x", "y"], TargetColumns = ["y"] }));
        Assert.That(ex!.Message, Does.Contain("column 'y' is both a feature and a target"));
    }

    [Test]
    public void ANegativeClassIndexIsRefused()
    {
        string path = Write("x,label\n0.5,1\n0.25,-1\n");
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path, new CsvDatasetOptions { Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.Contain("line 3").And.Contain("-1 is not a class index"));
    }

    // Two columns of one name would make a named feature or target ambiguous: the header is refused.
    [Test]
    public void AHeaderNamingAColumnTwiceIsRefused()
    {
        string path = Path.GetFullPath(Write("a, a ,y\n1,2,3\n"));
        var ex = Assert.Throws<DatasetFormatException>(() => CsvDatasetReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: line 1: the header names column 'a' twice."));
    }
}
