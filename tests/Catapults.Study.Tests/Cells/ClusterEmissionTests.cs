using System.Diagnostics;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Cells;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// The cluster settings (cores, time limit, parallelism) and what the Slurm and Kubernetes files make of them: shell
/// quoting, resubmission under the throttle, the merge job's partition and account, job names (pod memory is in
/// KubernetesManifestTests). Found by
/// mutation testing (6 Dec 2026).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterEmissionTests
{
    private static CellPlan Plan(int cells, int? threads, int steps = 5) =>
        CellPlan.Create("smoke", threads, new { }, Enumerable.Range(0, cells).Select(i => ($"cell{i:D6}", new { Index = i, Steps = steps })));

    // CpusPerTask: "null: the plan's libtorch threads (1 when it has none)" (mutant S7).
    [Test]
    public void CoresPerCellDefaultToThePlansThreads()
    {
        Assert.That(new ClusterSettings().CpusPerCellOf(Plan(2, threads: 4)), Is.EqualTo(4));
        Assert.That(new ClusterSettings().CpusPerCellOf(Plan(2, threads: null)), Is.EqualTo(1));
        Assert.That(new ClusterSettings { CpusPerTask = 2 }.CpusPerCellOf(Plan(2, threads: 4)), Is.EqualTo(2));
    }

    // [D-]HH:MM:SS: 00:01:30 is ninety seconds (mutant S8 swapped minutes and seconds).
    [Test]
    public void TheTimeLimitReadsHoursMinutesAndSecondsInThatOrder()
    {
        Assert.That(new ClusterSettings { TimeLimit = "00:01:30" }.TimeLimitSeconds, Is.EqualTo(90));
        Assert.That(new ClusterSettings { TimeLimit = "2-03:04:05" }.TimeLimitSeconds, Is.EqualTo(((2 * 24 + 3) * 60 + 4) * 60 + 5));
    }

    // Validate: minutes and seconds above 59, and fewer than one cell at once, are refused (mutants S9, S10).
    [TestCase("01:60:00")]
    [TestCase("01:00:60")]
    public void AMinuteOrSecondFieldAbove59IsRefused(string limit)
    {
        var ex = Assert.Throws<ConfigurationException>(() => new ClusterSettings { TimeLimit = limit }.Validate());
        Assert.That(ex!.Message, Does.Contain("--time-limit"));
    }

    [Test]
    public void ZeroParallelCellsIsRefused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => new ClusterSettings { Parallel = 0 }.Validate());
        Assert.That(ex!.Message, Does.Contain("--parallel"));
    }

    // The study command's words are single-quoted for the shell: a word with a quote must reach the program as written (mutant S4).
    [TestCase("it's")]
    [TestCase("/opt/my study/study.dll")]
    [TestCase("$HOME")]
    [TestCase("a'b'c")]
    public void AShellWordIsReadBackByBashAsWritten(string word)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("printf '%s' " + SlurmEmitter.ShellWord(word));
        using var bash = Process.Start(info)!;
        string output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.That(output, Is.EqualTo(word));
    }

    // --study-command is split at runs of spaces: no empty word reaches the scripts as an argument '' (found by
    // mutation testing, round 26C).
    [Test]
    public void TheStudyCommandIsSplitIntoItsWords()
    {
        var settings = new ClusterSettings { StudyCommand = " dotnet  /opt/study.dll " };
        Assert.That(settings.StudyCommandOr(new[] { "fallback" }), Is.EqualTo(new[] { "dotnet", "/opt/study.dll" }));
        Assert.That(new ClusterSettings().StudyCommandOr(new[] { "fallback" }), Is.EqualTo(new[] { "fallback" }));
    }

    // submit.sh with indices resubmits those cells under the same throttle, --parallel (mutant S2 dropped it).
    [Test]
    public void ResubmittedCellsKeepTheParallelLimit()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "6", "--out", dir, "--emit", "slurm", "--parallel", "2");
        Assert.That(code, Is.EqualTo(0), error);
        string bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        string calls = temp.Combine("calls.txt");
        File.WriteAllText(Path.Combine(bin, "sbatch"), $"#!/bin/bash\nprintf '%s ' \"$@\" >> '{calls}'\necho >> '{calls}'\necho 42\n");
        File.SetUnixFileMode(Path.Combine(bin, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(dir, "slurm", "submit.sh"));
        info.ArgumentList.Add("1,4-5");
        info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var submit = Process.Start(info)!;
        submit.StandardOutput.ReadToEnd();
        submit.WaitForExit();
        Assert.That(submit.ExitCode, Is.EqualTo(0));
        var lines = File.ReadAllLines(calls);
        Assert.That(lines[0], Does.Contain("--array=1,4-5%2 "));
    }

    // JobName hashes the manifests and the plan: two plans whose manifests read the same get two names (mutant K2).
    [Test]
    public void TwoPlansWithTheSameManifestsGetTwoJobNames()
    {
        const string template = "the same manifests";
        Assert.That(KubernetesEmitter.JobName("smoke", template, Plan(2, null, steps: 5)),
            Is.Not.EqualTo(KubernetesEmitter.JobName("smoke", template, Plan(2, null, steps: 9))));
        Assert.That(KubernetesEmitter.JobName("smoke", template, Plan(2, null, steps: 5)),
            Is.EqualTo(KubernetesEmitter.JobName("smoke", template, Plan(2, null, steps: 5))));
    }

    // The merge job runs where the cells run: the same partition and account (mutant S3 left them out of merge.sbatch).
    [Test]
    public void TheMergeJobAsksForThePartitionAndAccountOfTheCells()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "slurm", "--partition", "gpu", "--account", "proj1");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var file in new[] { "cells.sbatch", "merge.sbatch" })
        {
            string script = File.ReadAllText(Path.Combine(dir, "slurm", file));
            Assert.That(script, Does.Contain("#SBATCH --partition=gpu\n").And.Contain("#SBATCH --account=proj1\n"), file);
        }
    }

    // Only the cells ask for a GPU: the merge reads their files and trains nothing (found by mutation testing, round 33B).
    [Test]
    public void OnlyTheCellsJobAsksForAGpu()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "slurm", "--gpu");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadAllText(Path.Combine(dir, "slurm", "cells.sbatch")), Does.Contain("#SBATCH --gres=gpu:1\n"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "slurm", "merge.sbatch")), Does.Not.Contain("--gres"));
    }

    // --retries is each cell's (backoffLimitPerIndex); the merge Job keeps its own two retries (found by mutation
    // testing, round 33B).
    [Test]
    public void RetriesAreEachCellsAndTheMergeKeepsItsOwn()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "2", "--out", dir, "--emit", "k8s", "--retries", "5");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadAllText(Path.Combine(dir, "k8s", "cells-job.yaml")), Does.Contain("\n  backoffLimitPerIndex: 5\n"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "k8s", "merge-job.yaml")), Does.Contain("\n  backoffLimit: 2\n"));
    }
}
