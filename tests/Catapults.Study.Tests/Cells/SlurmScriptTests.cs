using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests.Cells;

/// <summary>plan --emit slurm: the array script, the merge job and submit.sh say what a cluster needs (no Slurm needed here).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmScriptTests
{
    [Test]
    public void ArrayScriptMergeJobAndSubmitScript()
    {
        using (var temp = new TempDirectory())
        {
            string dir = temp.Combine("run");
            var (code, _, error) = StudyCli.Run("plan", "smoke", "--cells", "12", "--out", dir, "--emit", "slurm", "--parallel", "5", "--gpu",
                "--cpus-per-task", "8", "--time-limit", "12:30:00", "--partition", "gpu", "--memory-gb", "32");
            Assert.That(code, Is.EqualTo(0), error);
            string cells = File.ReadAllText(Path.Combine(dir, "slurm", "cells.sbatch"));
            Assert.That(cells, Does.StartWith("#!/bin/bash\n"));
            // A requeued task appends to its cell's log, so the attempt before it stays readable.
            foreach (var line in new[] { "#SBATCH --job-name=catapults-smoke", "#SBATCH --array=0-11%5", "#SBATCH --cpus-per-task=8", "#SBATCH --gres=gpu:1", "#SBATCH --time=12:30:00",
                         "#SBATCH --partition=gpu", "#SBATCH --mem=32G", $"#SBATCH --output={dir}/logs/cell-%a.log", "#SBATCH --open-mode=append", "#SBATCH --requeue" })
                Assert.That(cells, Does.Contain(line + "\n"));
            Assert.That(Directory.Exists(Path.Combine(dir, "logs")), Is.True, "Slurm does not make the folder of --output, and a task that cannot open its log fails");
            Assert.That(cells, Does.Contain($"exec ").And.Contain($"run-cell --plan {dir} --index \"$SLURM_ARRAY_TASK_ID\" --wait-if-busy 30\n"));

            string merge = File.ReadAllText(Path.Combine(dir, "slurm", "merge.sbatch"));
            Assert.That(merge, Does.Contain($"merge --plan {dir}\n").And.Not.Contain("--gres"));
            // The merge sets the plan's threads too, and refuses more threads than the cores it was given.
            Assert.That(merge, Does.Contain("#SBATCH --cpus-per-task=8\n"));
            // Its own name, the cells' time limit, and its own log, which no array task's log overwrites.
            foreach (var line in new[] { "#SBATCH --job-name=catapults-smoke-merge", "#SBATCH --time=12:30:00", $"#SBATCH --output={dir}/logs/merge-%j.log" })
                Assert.That(merge, Does.Contain(line + "\n"));
            string submit = File.ReadAllText(Path.Combine(dir, "slurm", "submit.sh"));
            Assert.That(submit, Does.Contain("sbatch --parsable --dependency=afterok:\"$cells\" \"$here/merge.sbatch\""));
            Assert.That(File.GetUnixFileMode(Path.Combine(dir, "slurm", "submit.sh")) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));

            // Without --gpu no GPU is asked for; cpus per task default to the plan's threads (smoke has none: 1).
            string plain = Path.Combine(Path.GetDirectoryName(dir)!, "plain");
            StudyCli.Run("plan", "smoke", "--cells", "3", "--out", plain, "--emit", "slurm");
            string plainCells = File.ReadAllText(Path.Combine(plain, "slurm", "cells.sbatch"));
            Assert.That(plainCells, Does.Contain("#SBATCH --array=0-2%3\n").And.Contain("#SBATCH --cpus-per-task=1\n").And.Not.Contain("--gres"));
        }
    }

    // An array index resubmitted while its first task still runs: the second task used to exit 75 at once, which
    // failed its array job and left the merge's afterok dependency unmeetable. With --wait-if-busy, as the emitted
    // scripts run it, it waits for the holder and reads the finished cell back.
    [Test]
    public void ARunCellWhoseCellIsHeldWaitsForTheHolderAndSucceeds()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("held");
        Assert.That(StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "8", "--step-ms", "250", "--out", dir).ExitCode, Is.EqualTo(0));
        var command = Catapults.Study.Cells.StudyProcess.Command();
        var first = new System.Diagnostics.ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(new[] { "run-cell", "--plan", dir, "--index", "0" })) first.ArgumentList.Add(a);
        using var holder = System.Diagnostics.Process.Start(first)!;
        string owner = Path.Combine(dir, "locks", "cell000000.owner");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(owner) && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
        Assert.That(File.Exists(owner), Is.True, "the first process holds the cell");

        var alone = StudyCli.Run("run-cell", "--plan", dir, "--index", "0");
        Assert.That(alone.ExitCode, Is.EqualTo(75), "without --wait-if-busy it leaves the cell alone");
        var waiting = StudyCli.Run("run-cell", "--plan", dir, "--index", "0", "--wait-if-busy", "0.5");
        holder.WaitForExit();
        Assert.That(holder.ExitCode, Is.EqualTo(0));
        Assert.That(waiting.ExitCode, Is.EqualTo(0), waiting.Error);
        Assert.That(waiting.Error.Trim(), Does.StartWith("cell 0 (cell000000) is being run by process " + holder.Id).And.EndWith("; waiting for it, looking again every 0.5 s."));
        Assert.That(waiting.Out, Does.Contain("cell 0 (cell000000): finished before; read back, not rerun"));
        Assert.That(StudyCli.Run("merge", "--plan", dir).ExitCode, Is.EqualTo(0));
        CliAssert.OneLineError(StudyCli.Run("run-cell", "--plan", dir, "--index", "0", "--wait-if-busy", "0"), "--wait-if-busy");
    }

    [Test]
    public void RunFolderThatSbatchLinesCannotCarryIsOneLine()
    {
        using (var temp = new TempDirectory())
        {
            string dir = temp.Combine("with space");
            CliAssert.OneLineError(StudyCli.Run("plan", "smoke", "--out", dir, "--emit", "slurm"), "--emit slurm", "with space");
        }
    }
}
