using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// ClusterSettings.Validate: each value the scheduler files would carry is refused outside its range or form, by the
/// option's name, and its edges are accepted. Found by mutation testing (round 15B).
/// </summary>
public sealed class ClusterSettingsValidationTests
{
    private static IEnumerable<TestCaseData> Refused()
    {
        yield return new TestCaseData(new ClusterSettings { CpusPerTask = 0 }, "--cpus-per-task must be in 1..1024, got 0.").SetName("Zero cores per cell");
        yield return new TestCaseData(new ClusterSettings { CpusPerTask = 1025 }, "--cpus-per-task must be in 1..1024, got 1025.").SetName("1025 cores per cell");
        yield return new TestCaseData(new ClusterSettings { MemoryGiB = 0 }, "--memory-gb must be in 1..65536, got 0.").SetName("Zero memory");
        yield return new TestCaseData(new ClusterSettings { MemoryGiB = 65537 }, "--memory-gb must be in 1..65536, got 65537.").SetName("65537 GiB");
        yield return new TestCaseData(new ClusterSettings { TimeLimit = "00:00:00" }, "--time-limit must be at least one second.").SetName("A time limit of zero");
        yield return new TestCaseData(new ClusterSettings { TimeLimit = "0-00:00:00" }, "--time-limit must be at least one second.").SetName("A time limit of zero days");
        yield return new TestCaseData(new ClusterSettings { Partition = "gpu nodes" }, "--partition 'gpu nodes' is not a Slurm partition name.").SetName("A partition with a space");
        yield return new TestCaseData(new ClusterSettings { Partition = new string('p', 65) }, $"--partition '{new string('p', 65)}' is not a Slurm partition name.").SetName("A partition of 65 characters");
        yield return new TestCaseData(new ClusterSettings { Account = "proj 1" }, "--account 'proj 1' is not a Slurm account name.").SetName("An account with a space");
        yield return new TestCaseData(new ClusterSettings { Partition = "gpu", Account = "proj;1" }, "--account 'proj;1' is not a Slurm account name.").SetName("A bad account beside a good partition");
        yield return new TestCaseData(new ClusterSettings { StudyCommand = "  " }, "--study-command is empty.").SetName("A blank study command");
        yield return new TestCaseData(new ClusterSettings { VolumeClaim = "Runs" }, "--volume-claim 'Runs' is not a Kubernetes name").SetName("A claim with an upper-case letter");
        yield return new TestCaseData(new ClusterSettings { VolumeClaim = "runs-" }, "--volume-claim 'runs-' is not a Kubernetes name").SetName("A claim ending in a hyphen");
        yield return new TestCaseData(new ClusterSettings { Image = "registry.example/study 2" }, "--image 'registry.example/study 2' is not an image reference").SetName("An image with a space");
        yield return new TestCaseData(new ClusterSettings { VolumeSize = "100GB" }, "--volume-size '100GB' is not a positive storage quantity").SetName("A volume size in a unit Kubernetes lacks");
        yield return new TestCaseData(new ClusterSettings { MountPath = "/data runs" }, "--mount-path '/data runs' must be an absolute path without spaces.").SetName("A mount path with a space");
        yield return new TestCaseData(new ClusterSettings { MountPath = "runs" }, "--mount-path 'runs' must be an absolute path").SetName("A relative mount path");
        // Found by mutation testing (round 33B): an empty image, a control character in the mount path, a fourth digit
        // of days, a claim name of 64 characters.
        yield return new TestCaseData(new ClusterSettings { Image = "" }, "--image '' is not an image reference").SetName("An empty image");
        yield return new TestCaseData(new ClusterSettings { MountPath = "/runs\u0007" }, "--mount-path '").SetName("A mount path with a control character");
        yield return new TestCaseData(new ClusterSettings { TimeLimit = "1000-00:00:00" }, "--time-limit must be [D-]HH:MM:SS").SetName("A time limit of 1000 days");
        yield return new TestCaseData(new ClusterSettings { VolumeClaim = new string('r', 64) }, $"--volume-claim '{new string('r', 64)}' is not a Kubernetes name").SetName("A claim name of 64 characters");
    }

    [TestCaseSource(nameof(Refused))]
    public void EachOutOfRangeValueIsRefusedNamingItsOption(ClusterSettings settings, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => settings.Validate());
        Assert.That(ex!.Message, Does.StartWith(message));
    }

    private static IEnumerable<TestCaseData> Accepted()
    {
        yield return new TestCaseData(new ClusterSettings { CpusPerTask = 1, MemoryGiB = 1, TimeLimit = "00:00:01" }).SetName("The lower edges");
        yield return new TestCaseData(new ClusterSettings { CpusPerTask = 1024, MemoryGiB = 65536, TimeLimit = "999-99:59:59" }).SetName("The upper edges");
        yield return new TestCaseData(new ClusterSettings { Partition = "gpu_a100.x-1", Account = new string('a', 64) }).SetName("Slurm names of every allowed kind");
        yield return new TestCaseData(new ClusterSettings { StudyCommand = "dotnet /opt/study.dll", VolumeClaim = "r", MountPath = "/" }).SetName("A command, a one-letter claim and the root mount");
        yield return new TestCaseData(new ClusterSettings { VolumeClaim = new string('r', 63) }).SetName("A claim name of 63 characters");
    }

    [TestCaseSource(nameof(Accepted))]
    public void ValuesAtTheEdgesAreAccepted(ClusterSettings settings) => Assert.That(settings.Validate(), Is.SameAs(settings));
}
