using System.Diagnostics;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Cells;

/// <summary>
/// submit.sh on a multi-cluster Slurm, whose <c>sbatch --parsable</c> prints "jobid;cluster": the merge depends on the
/// job id alone, and the closing line names both jobs by id. Run against a stand-in sbatch (no Slurm needed). Found by
/// mutation testing (round 15B).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SubmitScriptJobIdTests
{
    [Test]
    public void TheMergeDependsOnTheArraysJobIdWithoutTheClusterName()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "3", "--out", dir, "--emit", "slurm");
        Assert.That(code, Is.EqualTo(0), error);
        string bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        string calls = temp.Combine("calls.txt");
        string count = temp.Combine("count.txt");
        // Job 41 for the first call, 42 for the second, each with the cluster's name after a ';'.
        File.WriteAllText(Path.Combine(bin, "sbatch"),
            $"#!/bin/bash\nprintf '%s ' \"$@\" >> '{calls}'\necho >> '{calls}'\necho x >> '{count}'\necho \"$((40 + $(wc -l < '{count}')));cluster7\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(dir, "slurm", "submit.sh"));
        info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var submit = Process.Start(info)!;
        string output = submit.StandardOutput.ReadToEnd();
        submit.WaitForExit();
        Assert.That(submit.ExitCode, Is.EqualTo(0), submit.StandardError.ReadToEnd());
        var lines = File.ReadAllLines(calls);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith("--parsable --dependency=afterok:41 "));
        Assert.That(output.Trim(), Is.EqualTo("submitted cells as job 41 and the merge as job 42"));
    }
}
