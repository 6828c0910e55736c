using Catapults.ML.Data;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

public sealed class DataRootPlacementTests : TemporaryFolderTests
{
    // A root that names a file gets its own message, not "does not exist", which would send the user looking for
    // a missing folder.
    [Test]
    public void ARootThatIsAFileIsNamedAsAFile()
    {
        string file = Temp.Combine("datasets.txt");
        File.WriteAllText(file, "");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => DataRoot.Resolve(file));
        Assert.That(ex!.Message, Does.Contain("is a file; expected the folder that holds the datasets"));
    }

    [Test]
    public void ARootHoldingTheMarkerAsAFolderIsTheDatasetFolder()
    {
        Directory.CreateDirectory(Temp.Combine("images"));
        Assert.That(DataRoot.LocateDataset(Temp.Path, "mydata", "images", ["images/"]), Is.EqualTo(Path.GetFullPath(Temp.Path)));
    }

    // A blank option (an empty --data-root, a config value of spaces) is no root: the environment variable decides.
    [Test]
    public void ABlankRootOptionFallsBackToTheEnvironment()
    {
        var previous = Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, Temp.Path);
            Assert.That(DataRoot.Resolve("  "), Is.EqualTo(Path.GetFullPath(Temp.Path)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, previous);
        }
    }
}
