using System.Diagnostics;
using System.Text.Json.Nodes;
using Catapults.ML.Serialization;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>
/// gd-catapults and sgd-spikes, whose observers (the rate raiser; the diagnostics with their Lanczos warm starts) carry
/// state from step to step: the CLI process is killed mid-run, and <c>--resume</c> ends exactly where an
/// uninterrupted run ends.
/// </summary>
public sealed class ExperimentResumeTests
{
    private static readonly string[] GdCatapults =
    {
        "gd-catapults", "--n-train", "128", "--n-test", "128", "--width", "64", "--phase-steps", "300", "--raises", "2",
        "--checkpoint-every", "50", "--threads", "1",
    };

    // A probe set above the dense-solve threshold (256), so the probe NTK is solved by warm-started Lanczos.
    private static readonly string[] SgdSpikes =
    {
        "sgd-spikes", "--n-train", "300", "--n-test", "100", "--width", "64", "--batch-size", "10", "--steps", "1000",
        "--probe-size", "260", "--checkpoint-every", "50", "--threads", "1", "--seeds", "1",
    };

    private TempDirectory? _temp;
    private string _root = null!;

    [SetUp]
    public void CreateRoot()
    {
        _temp = new TempDirectory();
        _root = _temp.Combine("study-kill");
    }

    [TearDown]
    public void RemoveRoot() => _temp?.Dispose();

    [Test]
    public void GdCatapultsResumesFromAKillWithItsRaises()
    {
        // Killed after the first raise (step 300), so the resumed run must take the raised rate from the checkpoint.
        string run = KillAndResume(GdCatapults, "gd-seed0", 350, out string whole, checkpoint =>
        {
            var raises = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "state.json")))!["realisedSchedule"]!["milestones"]!.AsArray();
            Assert.That(raises.Select(r => (int)r!["step"]!), Is.EqualTo(new[] { 300 }), "the raise so far is checkpointed with the realised schedule");
        });
        Assert.That(ReadRun(run, "config.json"), Is.EqualTo(ReadRun(whole, "config.json")), "config.json is written once, before the run");
        var realised = JsonNode.Parse(ReadRun(run, "summary.json"))!["realisedSchedule"]!;
        Assert.That(realised.ToJsonString(), Is.EqualTo(JsonNode.Parse(ReadRun(whole, "summary.json"))!["realisedSchedule"]!.ToJsonString()), "the realised raises");
        Assert.That(realised["milestones"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public void SgdSpikesResumesFromAKillWithItsDiagnostics()
    {
        string run = KillAndResume(SgdSpikes, "b10-seed0", 50, out string whole, checkpoint =>
        {
            var warmStarts = SafetensorsFile.Read(Path.Combine(checkpoint, "diagnostics-warm-starts.safetensors"));
            Assert.That(warmStarts.Find("probe_warm_start")?.Shape, Is.EqualTo(new long[] { 260, 5 }), "the Lanczos warm start is checkpointed");
        });
        foreach (var file in new[] { "critical-rates.csv", "projected-losses.csv" })
            Assert.That(ReadRun(run, file), Is.EqualTo(ReadRun(whole, file)), file);
    }

    [Test]
    public void ResumingWithOtherOptionsIsAConfigurationError()
    {
        string output = Path.Combine(_root, "run");
        var args = GdCatapults.Concat(new[] { "--out", output }).ToArray();
        Assert.That(StudyCli.Run(args).ExitCode, Is.EqualTo(0));
        string plan = File.ReadAllText(Path.Combine(output, "plan.json"));

        var (code, _, error) = StudyCli.Run(args.Concat(new[] { "--resume", "--raise-factor", "1.3" }).ToArray());
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
        Assert.That(error, Does.Contain("config.json").And.Contain("experimentOptions"));
        Assert.That(File.ReadAllText(Path.Combine(output, "plan.json")), Is.EqualTo(plan), "refused before the plan was replaced");
        Assert.That(StudyCli.Run("merge", "--plan", output).ExitCode, Is.EqualTo(0), "the folder is as it was");

        var otherSpacing = args.Select(a => a == "50" ? "100" : a).Append("--resume").ToArray();
        Assert.That(otherSpacing, Does.Contain("100"));
        string run = Path.Combine(output, "runs", "gd-seed0");
        string summary = ReadRun(run, "summary.json");
        var (again, _, againError) = StudyCli.Run(otherSpacing);
        Assert.That(again, Is.EqualTo(0), "checkpoint spacing does not change the result, so it may differ: " + againError);
        // The cell's record names the old configuration, but the run there is its own: read back, not trained again
        // (summary.json keeps its wall time; found by mutation testing, round 26C).
        Assert.That(ReadRun(run, "summary.json"), Is.EqualTo(summary));
    }

    [Test]
    public void AFinishedRunWithBrokenObserverStateIsRunAgain()
    {
        string output = Path.Combine(_root, "run");
        var args = SgdSpikes.Concat(new[] { "--out", output }).ToArray();
        Assert.That(StudyCli.Run(args).ExitCode, Is.EqualTo(0));
        string state = Directory.GetFiles(Path.Combine(output, "runs", "b10-seed0", "observers")).Order(StringComparer.Ordinal).First();
        string good = File.ReadAllText(state);
        File.WriteAllText(state, "{ not json");

        // The file no longer matches the checksum in summary.json, so the finished run is not trusted: it is run
        // again and the file replaced.
        var (code, stdout, error) = StudyCli.Run(args.Append("--resume").ToArray());
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain(state).And.Contain("run again"));
        Assert.That(File.ReadAllText(state), Is.EqualTo(good));
    }

    /// <summary>
    /// Runs <paramref name="experiment"/> uninterrupted in-process, then as a child process killed (SIGKILL) once it has
    /// a checkpoint at or after <paramref name="killAfterStep"/> (which <paramref name="inspectCheckpoint"/> sees), then
    /// resumed in-process; checks the shared run files and returns the resumed run directory.
    /// </summary>
    private string KillAndResume(string[] experiment, string label, int killAfterStep, out string whole, Action<string> inspectCheckpoint)
    {
        string wholeOutput = Path.Combine(_root, "whole");
        string killedOutput = Path.Combine(_root, "killed");
        whole = Path.Combine(wholeOutput, "runs", label);
        string killed = Path.Combine(killedOutput, "runs", label);

        var (code, stdout, error) = StudyCli.Run(experiment.Concat(new[] { "--out", wholeOutput }).ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);

        string checkpoint = KillAfterCheckpoint(experiment.Concat(new[] { "--out", killedOutput }), killed, killAfterStep);
        Assert.That(File.Exists(Path.Combine(killed, "summary.json")), Is.False, "the run was killed before it finished");
        inspectCheckpoint(checkpoint);

        (code, stdout, error) = StudyCli.Run(experiment.Concat(new[] { "--out", killedOutput, "--resume" }).ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);

        var resumedSummary = JsonNode.Parse(ReadRun(killed, "summary.json"))!.AsObject();
        var wholeSummary = JsonNode.Parse(ReadRun(whole, "summary.json"))!.AsObject();
        int resumedFrom = (int)resumedSummary["resumedFromStep"]!;
        Assert.That(resumedFrom, Is.GreaterThanOrEqualTo(killAfterStep).And.Matches<int>(s => s % 50 == 0), "continued from the checkpoint, not from the start");
        Assert.That(wholeSummary["resumedFromStep"], Is.Null);
        // The checksums cover observer files that hold timings; the files themselves are compared below.
        foreach (var field in new[] { "wallSeconds", "resumedFromStep", "files" })
        {
            resumedSummary.Remove(field);
            wholeSummary.Remove(field);
        }
        Assert.That(resumedSummary.ToJsonString(), Is.EqualTo(wholeSummary.ToJsonString()), "summary.json apart from timing");
        foreach (var file in new[] { "steps.csv", "events.json" })
            Assert.That(ReadRun(killed, file), Is.EqualTo(ReadRun(whole, file)), file);
        Assert.That(File.ReadAllBytes(Path.Combine(killed, "model.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, "model.safetensors"))),
            "final weights, bit for bit");
        Assert.That(Directory.Exists(Path.Combine(killed, "checkpoint")), Is.False, "a finished run drops its checkpoint");

        // Read back once more: the finished run is not retrained (summary.json keeps its wall time), and its
        // observers come back from observers/, so the report is the same.
        string summary = ReadRun(killed, "summary.json");
        string report = File.ReadAllText(Path.Combine(killedOutput, "report.md"));
        var (readBack, readBackOut, readBackError) = StudyCli.Run(experiment.Concat(new[] { "--out", killedOutput, "--resume" }).ToArray());
        Assert.That(readBack, Is.EqualTo(0), readBackOut + readBackError);
        Assert.That(ReadRun(killed, "summary.json"), Is.EqualTo(summary));
        Assert.That(File.ReadAllText(Path.Combine(killedOutput, "report.md")), Is.EqualTo(report));
        return killed;
    }

    private static string ReadRun(string run, string file) => File.ReadAllText(Path.Combine(run, file));

    /// <summary>Starts the CLI, kills it once a checkpoint of step ≥ <paramref name="step"/> exists, and returns that checkpoint's folder.</summary>
    private static string KillAfterCheckpoint(IEnumerable<string> arguments, string runDirectory, int step)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "catapults-study"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The study CLI did not start.");
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (CheckpointStep(runDirectory) < step && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(2);
        bool running = !child.HasExited;
        if (running) child.Kill(entireProcessTree: true);
        child.WaitForExit();
        Assert.That(running, Is.True, $"the child was still running at its checkpoint (exit code {(running ? 0 : child.ExitCode)})");
        // A kill between the two renames of a checkpoint write leaves the previous one as checkpoint.old.
        string folder = new[] { "checkpoint", "checkpoint.old" }.Select(f => Path.Combine(runDirectory, f))
            .FirstOrDefault(f => File.Exists(Path.Combine(f, "state.json"))) ?? Path.Combine(runDirectory, "checkpoint");
        Assert.That(CheckpointStep(runDirectory), Is.GreaterThanOrEqualTo(step), "a checkpoint was written before the kill");
        return folder;
    }

    private static int CheckpointStep(string runDirectory)
    {
        foreach (var folder in new[] { "checkpoint", "checkpoint.old" })
        {
            try
            {
                return (int)JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, folder, "state.json")))!["step"]!;
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                // Not written yet, or being replaced: look again.
            }
        }
        return -1;
    }
}
