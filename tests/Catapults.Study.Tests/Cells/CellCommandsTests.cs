using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// The plain command of a cell experiment: --jobs takes 1 to 1024 processes and refuses the rest by name before
/// anything is planned. Found by mutation testing (round 33B).
/// </summary>
public sealed class CellCommandsTests
{
    [TestCase("0")]
    [TestCase("1025")]
    public void JobsOutsideOneTo1024AreRefused(string jobs)
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        CliAssert.OneLineError(StudyCli.Run("smoke", "--cells", "1", "--steps", "1", "--step-ms", "0", "--jobs", jobs, "--out", dir),
            $"--jobs must be in 1..1024, got {jobs}.");
        Assert.That(Directory.Exists(dir), Is.False, "nothing was planned");
    }
}
