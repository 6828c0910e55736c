using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// Resource lines of the emitted Slurm scripts and Kubernetes manifests that the cluster reads literally: units, lines
/// that stand on their own, the merge job's limits and the Jobs' name length. Found by mutation testing (round 11B).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterResourceLineTests
{
    private static CellPlan Plan(int cells) =>
        CellPlan.Create("smoke", null, new { }, Enumerable.Range(0, cells).Select(i => ($"cell{i:D6}", new { Index = i, Steps = 5 })));

    // Slurm reads a bare --mem number as megabytes: the merge job given "--mem=32" would be killed at 32 MB.
    [Test]
    public void TheMergeJobAsksForMemoryInGigabytes()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "slurm", "--memory-gb", "32");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells.sbatch", "merge.sbatch" })
            Assert.That(File.ReadAllText(Path.Combine(dir, "slurm", file)), Does.Contain("#SBATCH --mem=32G\n"), file);
    }

    // --account is independent of --partition: a cluster that bills by account often has a default partition.
    [Test]
    public void AnAccountWithoutAPartitionIsStillAskedFor()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "slurm", "--account", "proj1");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells.sbatch", "merge.sbatch" })
        {
            string script = File.ReadAllText(Path.Combine(dir, "slurm", file));
            Assert.That(script, Does.Contain("#SBATCH --account=proj1\n").And.Not.Contain("--partition"), file);
        }
    }

    // The merge pod has the same wall-time limit as a cell: 1-02:00:00 is 26 hours.
    [Test]
    public void TheMergeJobHasTheTimeLimitOfACell()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("sweep");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "k8s", "--time-limit", "1-02:00:00");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells-job.yaml", "merge-job.yaml" })
            Assert.That(File.ReadAllText(Path.Combine(dir, "k8s", file)), Does.Contain($"activeDeadlineSeconds: {26 * 3600}\n"), file);
    }

    // A Job's name is a DNS label of at most 63 characters and gets "-cells" or "-merge" appended: the base name is
    // at most 50 characters however long the experiment's name.
    [Test]
    public void ALongExperimentNameIsCutSoThatTheJobNamesFitADnsLabel()
    {
        string name = KubernetesEmitter.JobName(new string('x', 80), "manifests", Plan(2));
        Assert.That(name.Length, Is.LessThanOrEqualTo(50), name);
        Assert.That(name, Does.Match("^catapults-x+-[0-9a-f]{8}$"));
        Assert.That((name + "-cells").Length, Is.LessThanOrEqualTo(63));
    }

    // A DNS label holds lower-case letters, digits and '-' only: upper-case letters are lowered, not replaced, and any
    // other run of characters becomes one '-' (found by mutation testing, round 26C).
    [Test]
    public void AnExperimentNameIsLoweredIntoADnsLabel()
    {
        Assert.That(KubernetesEmitter.JobName("Feature_Strength", "manifests", Plan(2)), Does.Match("^catapults-feature-strength-[0-9a-f]{8}$"));
    }

    // "At most the number of cells": a throttle above the plan's size is cut down to it.
    [Test]
    public void MoreParallelCellsThanCellsIsCutToTheCells()
    {
        Assert.That(new ClusterSettings { Parallel = 10 }.ParallelCellsOf(Plan(3)), Is.EqualTo(3));
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "3", "--out", dir, "--emit", "slurm", "--parallel", "10");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadAllText(Path.Combine(dir, "slurm", "cells.sbatch")), Does.Contain("#SBATCH --array=0-2%3\n"));
    }
}
