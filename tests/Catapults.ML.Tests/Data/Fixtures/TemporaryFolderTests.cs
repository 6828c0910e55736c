namespace Catapults.ML.Tests.Data.Fixtures;

/// <summary>A test class whose every test gets its own <see cref="TempDirectory"/>, deleted when the test ends.</summary>
public abstract class TemporaryFolderTests
{
    /// <summary>The current test's folder.</summary>
    protected TempDirectory Temp { get; private set; } = null!;

    [SetUp]
    public void CreateTemporaryFolder() => Temp = new TempDirectory();

    [TearDown]
    public void DeleteTemporaryFolder() => Temp.Dispose();
}
