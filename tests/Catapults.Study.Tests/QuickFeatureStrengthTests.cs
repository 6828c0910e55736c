namespace Catapults.Study.Tests;

/// <summary>The --quick feature-strength study through the CLI: a sweep per depth, the per-depth table and the figures.</summary>
public sealed class QuickFeatureStrengthTests
{
    private static readonly byte[] PngMagic = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static string _output = null!;
    private static int _exitCode;
    private static string _stdout = null!;

    [OneTimeSetUp]
    public void RunQuickStudy()
    {
        _output = Path.Combine(Path.GetTempPath(), "feature-strength-quick-" + Guid.NewGuid().ToString("N"));
        (_exitCode, _stdout, string error) = StudyCli.Run("feature-strength", "--quick", "--out", _output);
        TestContext.Progress.WriteLine(_stdout + error);
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, true);
    }

    [Test]
    public void StudySucceedsAndPrintsAVerdictPerDepth()
    {
        Assert.That(_exitCode, Is.EqualTo(0), _stdout);
        foreach (int depth in new[] { 2, 3, 4 })
            Assert.That(_stdout, Does.Match($@"L = {depth} \| .* \| (holds|fails)"), $"depth {depth}'s verdict line");
        Assert.That(_stdout, Does.Contain("tolerance ±0.15"));
    }

    [Test]
    public void ReportHasTheTableAndTheFigures()
    {
        string report = File.ReadAllText(Path.Combine(_output, "report.md"));
        Assert.Multiple(() =>
        {
            foreach (int depth in new[] { 2, 3, 4 })
            {
                Assert.That(report, Does.Match($@"\n\| {depth} \| \d+ \| [^|]+ \| {(2.0 / depth).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} \|"),
                    $"the slope row of depth {depth}");
                Assert.That(Directory.Exists(Path.Combine(_output, "runs", $"depth-{depth}-g00", "cells")), Is.True, $"depth {depth}'s first γ scan, a cell");
                Assert.That(File.Exists(Path.Combine(_output, $"depth-{depth}", "report.md")), Is.True);
            }
            foreach (string figure in new[] { "plateau.png", "staircase.png", "rescaled-time.png", "best-loss.png" })
            {
                Assert.That(report, Does.Contain($"]({figure})"), figure + " is linked from the report");
                string path = Path.Combine(_output, figure);
                Assert.That(File.Exists(path), Is.True, figure);
                var bytes = File.ReadAllBytes(path);
                Assert.That(bytes.Take(8), Is.EqualTo(PngMagic), figure + " is a PNG");
                Assert.That(bytes.Length, Is.GreaterThan(10_000), figure + " has content");
            }
        });
    }

    [Test]
    public void DeeperNetsGetLongerBudgets()
    {
        // The step budget's rule, as the cells ran it: depth 4 at γ = 100 gets (4/2)·(1 + 2) = 6 base budgets.
        string report = File.ReadAllText(Path.Combine(_output, "report.md"));
        Assert.That(report, Does.Contain("| 4 | 100 | 900 |"));
        Assert.That(report, Does.Contain("| 2 | 0.01 | 150 |"));
    }

    [Test]
    public void ARerunReusesEveryCell()
    {
        var (code, stdout, _) = StudyCli.Run("feature-strength", "--quick", "--out", _output);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Does.Contain("17 of 17 cells finished before; read back, not rerun."));
    }

    [TestCase("1,2")]
    [TestCase("2,x")]
    [TestCase("2,2")]
    public void BadDepthsAreRefused(string depths)
    {
        var (code, _, error) = StudyCli.Run("feature-strength", "--quick", "--depths", depths, "--out", _output + "-bad");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("error:").And.Contain("--depths"));
    }
}
