using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>
/// Rates far beyond stability: every run that meets a non-finite value (in the weights, the losses, a measurement or
/// an eigen-solve) is recorded as diverged with its step and reason, the sweep goes on, and steps.csv never holds
/// Infinity or NaN.
/// </summary>
public sealed class ExtremeRateTests : TemporaryFolderTests
{
    private static void AssertDivergedRuns(string output, string stdout, int expected)
    {
        // Each run's line of progress says where and why it diverged, in place of losses it does not have.
        Assert.That(System.Text.RegularExpressions.Regex.Matches(stdout, @"-seed0: Diverged\b.*, step \d+: \S").Count, Is.EqualTo(expected), stdout);
        Assert.That(stdout, Does.Not.Contain("test loss ,").And.Not.Contain("test loss  "), stdout);
        var runs = Directory.GetDirectories(Path.Combine(output, "runs"));
        Assert.That(runs, Has.Length.EqualTo(expected), "every run of the sweep was made");
        foreach (var run in runs)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            Assert.That(summary.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("Diverged"), run);
            Assert.That(summary.RootElement.GetProperty("divergence").GetString(), Does.StartWith("step "), run);
            string steps = File.ReadAllText(Path.Combine(run, "steps.csv"));
            Assert.That(steps, Does.Not.Contain("Infinity").And.Not.Contain("NaN").And.Not.Contain("∞"), run);
            Assert.That(Directory.Exists(Path.Combine(run, "checkpoint")), Is.False, run);
        }
    }

    [TestCase("1e30", TestName = "A rate of 1e30 diverges")]
    [TestCase("1e15", TestName = "A rate of 1e15 diverges without Infinity rows")]
    public void BatchSweepRecordsDivergedRuns(string rate)
    {
        string output = Temp.Combine("out");
        var (code, stdout, error) = StudyCli.Run("--learning-rate", rate, "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1",
            "--batch-sizes", "gd,10", "--max-steps", "30", "--record-every", "5", "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        AssertDivergedRuns(output, stdout, 2);
    }

    [Test]
    public void SgdSpikesRecordsADivergedRunWhenTheEigenSolveFails()
    {
        string output = Temp.Combine("out");
        var (code, stdout, error) = StudyCli.Run("sgd-spikes", "--learning-rate", "1e30", "--n-train", "100", "--n-test", "50", "--width", "16",
            "--probe-size", "20", "--steps", "20", "--seeds", "1", "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        AssertDivergedRuns(output, stdout, 1);
        // The report says so too, rather than showing a run with no spikes.
        Assert.That(File.ReadAllText(Path.Combine(output, "report.md")), Does.Contain("| b10-seed0 | diverged after "));
    }

    // A rate given beyond float32 is refused as an option (ConfigurationErrorTests); one that a raise reaches (1e30 per
    // raise: the second overflows, if the first has not already blown the weights up) ends the run as diverged.
    [Test]
    public void GdCatapultsRecordsADivergedRunWhenARaiseOverflows()
    {
        string output = Temp.Combine("out");
        var (code, stdout, error) = StudyCli.Run("gd-catapults", "--raise-factor", "1e30", "--phase-steps", "10", "--n-train", "64", "--n-test", "32",
            "--width", "16", "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        AssertDivergedRuns(output, stdout, 1);
    }
}
