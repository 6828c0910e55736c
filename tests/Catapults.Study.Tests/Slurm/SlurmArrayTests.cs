using System.Diagnostics;
using System.Text.RegularExpressions;
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
    private string _root = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        _cluster = SlurmCluster.TryStart(out string whyNot);
        if (_cluster is null) Assert.Ignore(whyNot);
        _root = Directory.CreateTempSubdirectory("slurm-runs-").FullName;
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose();
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
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

    [GeneratedRegex(@"submitted cells as job (\d+) and the merge as job (\d+)")]
    private static partial Regex Submitted();
}
