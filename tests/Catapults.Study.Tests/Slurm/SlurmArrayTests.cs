using System.Diagnostics;
using System.Text.RegularExpressions;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Tests.Cells;

namespace Catapults.Study.Tests.Slurm;

/// <summary>
/// Cells on a real one-node Slurm cluster (<see cref="SlurmCluster"/>), submitted through the emitted scripts: the array
/// runs, the merge job waits for it, and the files equal a local run's; a killed task resubmitted ends identical.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SlurmArrayTests
{
    private SlurmCluster? _cluster;
    private TempDirectory? _temp;
    private string _root = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        _cluster = SlurmCluster.TryStart(out string whyNot);
        if (_cluster is null) Assert.Ignore(whyNot);
        _temp = new TempDirectory();
        _root = _temp.Path;
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose();
        _temp?.Dispose();
    }

    private SlurmCluster Cluster => _cluster!;

    /// <summary>Runs the emitted submit.sh (with <paramref name="indices"/>, if any) and returns the array's and the merge's job ids.</summary>
    private (string Cells, string Merge) Submit(string dir, params string[] indices)
    {
        var (code, output, error) = Cluster.Run("bash", new[] { Path.Combine(dir, "slurm", "submit.sh") }.Concat(indices).ToArray());
        Assert.That(code, Is.EqualTo(0), output + error + Cluster.Logs());
        var m = Submitted().Match(output);
        Assert.That(m.Success, output);
        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    [Test]
    public void SmokeArrayThroughTheEmittedScriptsEqualsALocalRun()
    {
        string[] options = { "--cells", "5", "--steps", "3", "--step-ms", "50" };
        var local = StudyCli.Run(new[] { "smoke", "--out", Path.Combine(_root, "smoke-local") }.Concat(options).ToArray());
        Assert.That(local.ExitCode, Is.EqualTo(0), local.Error);

        string dir = Path.Combine(_root, "smoke-slurm");
        var plan = StudyCli.Run(new[] { "plan", "smoke", "--out", dir, "--emit", "slurm", "--parallel", "3", "--memory-gb", "1", "--time-limit", "00:10:00" }.Concat(options).ToArray());
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.Error);
        var watch = Stopwatch.StartNew();
        var (cells, merge) = Submit(dir);
        Cluster.WaitUntilDone(new[] { cells, merge }, TimeSpan.FromMinutes(3));
        TestContext.Progress.WriteLine($"Slurm smoke array of 5 cells and merge: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.That(Cluster.States(cells), Has.Count.EqualTo(5).And.All.EqualTo("COMPLETED"), Cluster.Logs());
        Assert.That(Cluster.States(merge), Is.EqualTo(new[] { "COMPLETED" }), File.ReadAllText(Directory.GetFiles(Path.Combine(dir, "logs"), "merge-*.log").Single()));
        Assert.That(Directory.GetFiles(Path.Combine(dir, "logs"), "cell-*.log"), Has.Length.EqualTo(5), "a log per task");
        RunFolders.AssertSame(Path.Combine(_root, "smoke-local"), dir);
    }

    [Test]
    public void KilledTaskResubmittedEndsIdenticalAndTheMergeWaitsForIt()
    {
        string[] options = { "--cells", "2", "--steps", "8", "--step-ms", "400" };
        var local = StudyCli.Run(new[] { "smoke", "--out", Path.Combine(_root, "kill-local"), "--step-ms", "0" }.Concat(options.Take(4)).ToArray());
        Assert.That(local.ExitCode, Is.EqualTo(0), local.Error);

        string dir = Path.Combine(_root, "kill-slurm");
        var plan = StudyCli.Run(new[] { "plan", "smoke", "--out", dir, "--emit", "slurm", "--memory-gb", "1", "--time-limit", "00:10:00" }.Concat(options).ToArray());
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.Error);
        var (cells, merge) = Submit(dir);
        string cell1 = Path.Combine(dir, "runs", "cell000001");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(cell1, "checkpoint.json")) && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(100);
        Assert.That(File.Exists(Path.Combine(cell1, "checkpoint.json")), "task 1 checkpointed. " + Cluster.Logs());
        var (code, _, error) = Cluster.Run("scancel", "--signal=KILL", "--full", $"{cells}_1");
        Assert.That(code, Is.EqualTo(0), error);
        Cluster.WaitUntilDone(new[] { cells }, TimeSpan.FromMinutes(2));
        Assert.That(File.Exists(Path.Combine(cell1, "cell.json")), Is.False, "the killed cell is not finished");
        Assert.That(File.Exists(Path.Combine(cell1, "checkpoint.json")), "the killed cell kept its checkpoint");

        // The merge job waits on a dependency that can no longer be met; merging by hand names the killed cell.
        Assert.That(Cluster.States(merge), Is.EqualTo(new[] { "PENDING" }));
        var early = StudyCli.Run("merge", "--plan", dir);
        Assert.That(early.ExitCode, Is.EqualTo(2));
        Assert.That(early.Error, Does.Contain("missing 1"));
        Cluster.Run("scancel", merge);

        var (retry, retryMerge) = Submit(dir, "1");
        Cluster.WaitUntilDone(new[] { retry, retryMerge }, TimeSpan.FromMinutes(3));
        Assert.That(Cluster.States(retry), Is.EqualTo(new[] { "COMPLETED" }), Cluster.Logs());
        Assert.That(Cluster.States(retryMerge), Is.EqualTo(new[] { "COMPLETED" }));
        Assert.That(File.ReadAllText(Path.Combine(cell1, "result.json")), Is.EqualTo(File.ReadAllText(Path.Combine(_root, "kill-local", "runs", "cell000001", "result.json"))));
        Assert.That(File.ReadAllText(Path.Combine(dir, "report.md")), Is.EqualTo(File.ReadAllText(Path.Combine(_root, "kill-local", "report.md"))));
    }

    /// <summary>
    /// The issue's test: the --quick batch sweep planned with --emit slurm, submitted through submit.sh as an array of
    /// eight tasks and merged by the dependent merge job, equals the plain local command byte for byte (one libtorch
    /// thread; wall times aside): plan.json, every cell's files, the report and its figures.
    /// </summary>
    [Test]
    public void QuickBatchSweepArrayEqualsALocalRunByteForByte()
    {
        string local = Path.Combine(_root, "bs-local");
        var plain = StudyCli.Run("batch-sweep", "--quick", "--threads", "1", "--out", local);
        Assert.That(plain.ExitCode, Is.EqualTo(0), plain.Error);

        string dir = Path.Combine(_root, "bs-slurm");
        var watch = Stopwatch.StartNew();
        var plan = StudyCli.Run("plan", "batch-sweep", "--quick", "--threads", "1", "--out", dir, "--emit", "slurm", "--memory-gb", "1", "--time-limit", "00:20:00");
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.Error);
        var (cells, merge) = Submit(dir);
        Cluster.WaitUntilDone(new[] { cells, merge }, TimeSpan.FromMinutes(8));
        TestContext.Progress.WriteLine($"Slurm: quick batch-sweep planned, 8 array tasks and the merge job in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.That(Cluster.States(cells), Has.Count.EqualTo(8).And.All.EqualTo("COMPLETED"),
            string.Join("\n", Directory.GetFiles(Path.Combine(dir, "logs")).Select(f => f + ":\n" + File.ReadAllText(f))) + Cluster.Logs());
        Assert.That(Cluster.States(merge), Is.EqualTo(new[] { "COMPLETED" }), string.Join("\n", Directory.GetFiles(Path.Combine(dir, "logs"), "merge-*").Select(File.ReadAllText)));
        Assert.That(File.ReadAllText(Path.Combine(dir, "report.md")), Does.Contain("| GD (500) |"));
        RunFolders.AssertSame(local, dir);
    }

    /// <summary>A batch-sweep task killed (SIGKILL) after a checkpoint and resubmitted by index ends with the files of an uninterrupted run.</summary>
    [Test]
    public void KilledBatchSweepTaskResubmittedEndsIdentical()
    {
        string[] options = { "--quick", "--threads", "1", "--checkpoint-every", "10" };
        const int Index = 7;   // b5-seed1, the longest cell (about 2000 steps)
        string whole = Path.Combine(_root, "bs-whole");
        Assert.That(StudyCli.Run(new[] { "plan", "batch-sweep", "--out", whole }.Concat(options).ToArray()).ExitCode, Is.EqualTo(0));
        var uninterrupted = StudyCli.Run("run-cell", "--plan", whole, "--index", Index.ToString());
        Assert.That(uninterrupted.ExitCode, Is.EqualTo(0), uninterrupted.Error);

        string dir = Path.Combine(_root, "bs-killed");
        Assert.That(StudyCli.Run(new[] { "plan", "batch-sweep", "--out", dir, "--emit", "slurm", "--memory-gb", "1", "--time-limit", "00:20:00" }.Concat(options).ToArray()).ExitCode, Is.EqualTo(0));
        string cell = Path.Combine(dir, "runs", "b5-seed1");
        var (cells, merge) = Submit(dir, Index.ToString());
        var watch = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(cell, "checkpoint", "state.json")) && watch.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(50);
        Assert.That(File.Exists(Path.Combine(cell, "checkpoint", "state.json")), "the task checkpointed. " + Cluster.Logs());
        Cluster.Run("scancel", "--signal=KILL", "--full", $"{cells}_{Index}");
        Cluster.WaitUntilDone(new[] { cells }, TimeSpan.FromMinutes(2));
        Cluster.Run("scancel", merge);
        Assert.That(File.Exists(Path.Combine(cell, "summary.json")), Is.False, "killed before it finished");
        Assert.That(File.Exists(Path.Combine(cell, "cell.json")), Is.False, "a killed cell has no record");

        var (retry, retryMerge) = Submit(dir, Index.ToString());
        Cluster.WaitUntilDone(new[] { retry, retryMerge }, TimeSpan.FromMinutes(3));
        Assert.That(Cluster.States(retry), Is.EqualTo(new[] { "COMPLETED" }), File.ReadAllText(Path.Combine(dir, "logs", $"cell-{Index}.log")));
        // The merge ran and named the cells that were never submitted.
        Assert.That(Cluster.States(retryMerge), Is.EqualTo(new[] { "FAILED" }));
        Assert.That(string.Join("", Directory.GetFiles(Path.Combine(dir, "logs"), "merge-*").Select(File.ReadAllText)), Does.Contain("missing 0-6"));

        var resumed = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cell, "summary.json")))!.AsObject();
        Assert.That((int?)resumed["resumedFromStep"], Is.GreaterThan(0), "the resubmitted task continued from the checkpoint");
        string reference = Path.Combine(whole, "runs", "b5-seed1");
        foreach (var file in RunFolders.Files(reference).Where(f => f != "summary.json"))
            Assert.That(File.ReadAllBytes(Path.Combine(cell, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(reference, file))), file);
        var expected = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(reference, "summary.json")))!.AsObject();
        foreach (var field in new[] { "wallSeconds", "resumedFromStep" })
        {
            resumed.Remove(field);
            expected.Remove(field);
        }
        Assert.That(resumed.ToJsonString(), Is.EqualTo(expected.ToJsonString()), "summary.json apart from the wall time and the resume step");
    }

    /// <summary>
    /// An index resubmitted while its first task still runs: the second task finds the cell held (a line naming the
    /// first task's Slurm job), waits for it, reads the finished cell back and completes, so that its own merge job runs
    /// too. It used to fail with exit code 75, and its merge job's afterok dependency could never be met.
    /// </summary>
    [Test]
    public void ATaskResubmittedWhileItsCellRunsWaitsForItAndCompletes()
    {
        string dir = Path.Combine(_root, "duplicate");
        var plan = StudyCli.Run("plan", "smoke", "--cells", "1", "--steps", "20", "--step-ms", "400", "--out", dir, "--emit", "slurm",
            "--parallel", "2", "--memory-gb", "1", "--time-limit", "00:10:00");
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.Error);
        var (cells, merge) = Submit(dir);
        string checkpoint = Path.Combine(dir, "runs", "cell000000", "checkpoint.json");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(50);
        Assert.That(File.Exists(checkpoint), "the first task is running. " + Cluster.Logs());

        var (duplicate, duplicateMerge) = Submit(dir, "0");
        Cluster.WaitUntilDone(new[] { cells, merge, duplicate, duplicateMerge }, TimeSpan.FromMinutes(3));
        string log = File.ReadAllText(Path.Combine(dir, "logs", "cell-0.log"));
        Assert.That(Cluster.States(cells), Is.EqualTo(new[] { "COMPLETED" }), Cluster.Logs());
        Assert.That(Cluster.States(duplicate), Is.EqualTo(new[] { "COMPLETED" }), log);
        Assert.That(log, Does.Contain($"cell 0 (cell000000) is being run by process ").And.Contain($"(Slurm job {cells}_0)").And.Contain("; waiting for it, looking again every 30 s."));
        Assert.That(log, Does.Contain("cell 0 (cell000000): finished before; read back, not rerun"));
        Assert.That(Cluster.States(merge), Is.EqualTo(new[] { "COMPLETED" }));
        Assert.That(Cluster.States(duplicateMerge), Is.EqualTo(new[] { "COMPLETED" }), "the resubmission's merge is met too");
        Assert.That(File.ReadAllText(Path.Combine(dir, "runs", "cell000000", "cell.json")), Does.Contain("Finished"));
    }

    [GeneratedRegex(@"submitted cells as job (\d+) and the merge as job (\d+)")]
    private static partial Regex Submitted();
}
