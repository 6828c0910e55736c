using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// The edges of the cluster settings' ranges: as many cores as threads is enough, and --retries stops at 100.
/// Found by mutation testing (round 11B).
/// </summary>
public sealed class ClusterSettingsBoundaryTests
{
    // A process may use as many threads as it has cores; only fewer cores than threads is refused.
    [Test]
    public void AsManyCoresAsThreadsIsEnough()
    {
        var settings = new ClusterSettings { CpusPerTask = 4 };
        Assert.DoesNotThrow(() => settings.CheckThreads(4));
        Assert.DoesNotThrow(() => settings.CheckThreads(null));
        var ex = Assert.Throws<ConfigurationException>(() => settings.CheckThreads(5));
        Assert.That(ex!.Message, Does.StartWith("--cpus-per-task 4 is below the plan's --threads 5"));
    }

    [TestCase(0, true)]
    [TestCase(100, true)]
    [TestCase(101, false)]
    [TestCase(-1, false)]
    public void RetriesPerCellAreZeroToOneHundred(int retries, bool accepted)
    {
        var settings = new ClusterSettings { RetriesPerCell = retries };
        if (accepted)
            Assert.DoesNotThrow(() => settings.Validate());
        else
            Assert.That(Assert.Throws<ConfigurationException>(() => settings.Validate())!.Message, Is.EqualTo($"--retries must be in 0..100, got {retries}."));
    }
}
