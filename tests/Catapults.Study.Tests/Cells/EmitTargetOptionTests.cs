using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// ClusterOptions.Targets: --emit reads its targets in any case, and an option that shapes only one target's files is
/// refused, by name, when --emit leaves that target out (it would be ignored). Found by mutation testing (round 15B).
/// </summary>
public sealed class EmitTargetOptionTests
{
    [Test]
    public void ATargetIsReadInAnyCase()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "SLURM,K8s");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(Path.Combine(dir, "slurm", "cells.sbatch")), Is.True);
        Assert.That(File.Exists(Path.Combine(dir, "k8s", "cells-job.yaml")), Is.True);
    }

    // One scheduler option alone without --emit would shape no file: refused by name, as two are (found by mutation
    // testing, round 26C).
    [Test]
    public void OneSchedulerOptionWithoutEmitIsRefused()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        CliAssert.OneLineError(StudyCli.Run("plan", "smoke", "--out", dir, "--parallel", "4"),
            "--parallel shapes the scheduler files, which only --emit writes; add --emit with one or more of slurm, k8s, or leave it out.");
        Assert.That(File.Exists(Path.Combine(dir, "plan.json")), Is.False);
    }

    [Test]
    public void AnAccountWithoutSlurmIsRefused()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        CliAssert.OneLineError(StudyCli.Run("plan", "smoke", "--out", dir, "--emit", "k8s", "--account", "proj1"),
            "--account shapes only the slurm files, and --emit k8s writes none");
        Assert.That(File.Exists(Path.Combine(dir, "plan.json")), Is.False);
    }

    [Test]
    public void TheVolumeOptionsWithoutKubernetesAreRefusedAllByName()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        CliAssert.OneLineError(StudyCli.Run("plan", "smoke", "--out", dir, "--emit", "slurm",
                "--volume-claim", "runs2", "--volume-size", "5Gi", "--mount-path", "/data"),
            "--volume-claim, --volume-size, --mount-path shape only the k8s files, and --emit slurm writes none");
        Assert.That(File.Exists(Path.Combine(dir, "plan.json")), Is.False);
    }
}
