using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>The --quick feature-strength study through the CLI: a sweep per depth, the per-depth table and the figures.</summary>
public sealed class QuickFeatureStrengthTests
{
    private static readonly byte[] PngMagic = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static TempDirectory? _temp;
    private static string _output = null!;
    private static int _exitCode;
    private static string _stdout = null!;

    [OneTimeSetUp]
    public void RunQuickStudy()
    {
        _temp = new TempDirectory();
        _output = _temp.Combine("feature-strength-quick");
        (_exitCode, _stdout, string error) = StudyCli.Run("feature-strength", "--quick", "--out", _output);
        TestContext.Progress.WriteLine(_stdout + error);
    }

    [OneTimeTearDown]
    public void Clean() => _temp?.Dispose();

    [Test]
    public void StudySucceedsAndPrintsAVerdictPerDepth()
    {
        Assert.That(_exitCode, Is.EqualTo(0), _stdout);
        foreach (int depth in new[] { 2, 3, 4 })
            Assert.That(_stdout, Does.Match($@"L = {depth} \| .* \| (holds|fails|not tested)"), $"depth {depth}'s verdict line");
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
                Assert.That(Directory.Exists(Path.Combine(_output, "runs", $"depth-{depth}-g00", "seed-0", "cells")), Is.True, $"depth {depth}'s first γ scan, a cell");
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

    [Test]
    public void AFinishedCellWithTornFilesRunsAgainFromAnEmptyFolder()
    {
        // A copy of the finished sweep, with one γ cell's result and its rate store's manifest both cut short.
        string output = _output + "-torn";
        foreach (var file in Directory.EnumerateFiles(_output, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(output, Path.GetRelativePath(_output, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        try
        {
            string cell = Path.Combine(output, "runs", "depth-2-g00");
            string scan = Path.Combine(cell, "scan.json");
            string original = File.ReadAllText(scan);
            foreach (var torn in new[] { scan, Path.Combine(cell, "seed-0", "manifest.json") })
                File.WriteAllText(torn, File.ReadAllText(torn)[..20]);

            var (code, stdout, error) = StudyCli.Run("feature-strength", "--quick", "--out", output);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            Assert.That(stdout, Does.Contain(scan).And.Contain("not trusted").And.Contain("16 of 17 cells finished before"));
            // The cell ran again, from scratch, to the same scans (wall times aside).
            static string WithoutWallTimes(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"wallSeconds\":[^,}]*", "");
            Assert.That(WithoutWallTimes(File.ReadAllText(scan)), Is.EqualTo(WithoutWallTimes(original)));

            // Another γ's scan.json copied into the cell reads well but is not its scans: merge names it.
            File.Copy(Path.Combine(output, "runs", "depth-2-g01", "scan.json"), scan, overwrite: true);
            var merge = StudyCli.Run("merge", "--plan", output);
            Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
            CliAssert.OneLineError(merge, $"cell 0 (depth-2-g00): {scan} holds rates of γ number 1 (γ = ", ", not 0 (γ = ", "run-cell --plan " + output + " --index 0");

            // Nor is another depth's scan at the same γ number: its γ or its rates' outcomes are not this cell's store's.
            File.Copy(Path.Combine(output, "runs", "depth-3-g00", "scan.json"), scan, overwrite: true);
            merge = StudyCli.Run("merge", "--plan", output);
            Assert.That(merge.ExitCode, Is.EqualTo(2), merge.Out + merge.Error);
            CliAssert.OneLineError(merge, $"cell 0 (depth-2-g00): {scan}", "run-cell --plan " + output + " --index 0");
            File.WriteAllText(scan, original);
            Assert.That(StudyCli.Run("merge", "--plan", output).ExitCode, Is.EqualTo(0), "the cell's own scans are trusted again");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
        }
    }

    // The plain command into a folder of another plan (the default --out is the same for any options): the old plan's
    // cells are not this plan's, so they run again from empty folders, rather than meeting their stores' manifests.
    [Test]
    public void AnotherPlanInTheSameFolderRunsItsCellsAfresh()
    {
        string output = _output + "-replanned";
        try
        {
            string[] args = { "feature-strength", "--quick", "--depths", "2", "--gamma-min", "10", "--gamma-max", "100", "--staircase", "false", "--jobs", "1", "--out", output };
            var (code, stdout, error) = StudyCli.Run(args);
            Assert.That(code, Is.EqualTo(0), stdout + error);

            // A cell killed before it finished (no record, no scan.json) whose rate store's manifest is torn: the store
            // is not reused, and the scan starts over instead of failing on every rerun.
            string cell = Directory.GetDirectories(Path.Combine(output, "runs")).Order().First();
            File.Delete(Path.Combine(cell, "cell.json"));
            File.Delete(Path.Combine(cell, "scan.json"));
            string manifest = Path.Combine(cell, "seed-0", "manifest.json");
            File.WriteAllText(manifest, File.ReadAllText(manifest)[..10]);
            (code, stdout, error) = StudyCli.Run(args);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            Assert.That(stdout, Does.Contain(manifest + " is torn or describes another sweep"));

            (code, stdout, error) = StudyCli.Run(args.Concat(new[] { "--steps", "100" }).ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);
            Assert.That(stdout, Does.Contain("belongs to another plan's cell"));
            Assert.That(StudyCli.Run("merge", "--plan", output).ExitCode, Is.EqualTo(0));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
        }
    }

    [Test]
    public void SeveralSeedsGiveAMedianPerGammaAndTheSeedsOwnSlopes()
    {
        // Depth 2 on the rich side only (γ = 10, 100, 1000), two seeds: the smallest run that has a rich fit per seed.
        string output = _output + "-seeds";
        try
        {
            var (code, stdout, error) = StudyCli.Run("feature-strength", "--quick", "--depths", "2", "--gamma-min", "10", "--gamma-max", "1000",
                "--fit-exclude-decades", "0", "--staircase", "false", "--seeds", "2", "--seed", "4", "--out", output);
            Assert.That(code, Is.EqualTo(0), stdout + error);
            var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
            var depth = summary.GetProperty("depths")[0];
            var gammas = depth.GetProperty("gammas").EnumerateArray().ToList();
            var perSeedSlopes = depth.GetProperty("rich").GetProperty("perSeedSlopes").EnumerateArray().Select(e => e.GetDouble()).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(summary.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 4, 5 }));
                Assert.That(Directory.Exists(Path.Combine(output, "runs", "depth-2-g00", "seed-4", "cells")), Is.True, "seed 4's store");
                Assert.That(Directory.Exists(Path.Combine(output, "runs", "depth-2-g00", "seed-5", "cells")), Is.True, "seed 5's store");
                Assert.That(gammas, Has.Count.EqualTo(3));
                Assert.That(perSeedSlopes, Has.Count.EqualTo(2));
                Assert.That(perSeedSlopes[0], Is.Not.EqualTo(perSeedSlopes[1]), "two seeds are two different sweeps");
                foreach (var g in gammas)
                {
                    var each = g.GetProperty("perSeed").EnumerateArray().Select(e => e.GetDouble()).ToList();
                    // Two seeds: the median is the geometric mean of their η*.
                    Assert.That(g.GetProperty("median").GetDouble(), Is.EqualTo(Math.Sqrt(each[0] * each[1])).Within(1e-9).Percent);
                }
                Assert.That(stdout, Does.Match(@"L = 2 \| [-\d.]+ ± [\d.]+ \[[-\d.]+, [-\d.]+\] \(1\.000\) \| (holds|fails|not tested)"), "the verdict line shows the median's slope and each seed's");
                Assert.That(File.ReadAllText(Path.Combine(output, "depth-2", "report.md")), Does.Contain("## η* over seeds"));
            });
            // A rerun reads every seed's scans back from scan.json, which the cells' check accepts only with both seeds in it.
            var (again, againOut, againError) = StudyCli.Run("feature-strength", "--quick", "--depths", "2", "--gamma-min", "10", "--gamma-max", "1000",
                "--fit-exclude-decades", "0", "--staircase", "false", "--seeds", "2", "--seed", "4", "--out", output);
            Assert.That(again, Is.EqualTo(0), againOut + againError);
            Assert.That(againOut, Does.Contain("3 of 3 cells finished before; read back, not rerun."));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
        }
    }

    [Test]
    public void AStudyWhoseEveryRateDivergesSaysSoWithoutAHeatMap()
    {
        // At γ = 10¹⁰⁰ every rate of the lattice diverges at its first step: drawing the heat map of no finite loss
        // used to end the command with ScottPlot's "min must be a real number" and its stack trace.
        string output = _output + "-diverged";
        var (code, stdout, error) = StudyCli.Run("feature-strength", "--quick", "--depths", "2", "--gamma-min", "1e100", "--gamma-max", "1e101", "--out", output);
        Assert.That(code, Is.EqualTo(0), stdout + error);
        Assert.That(error, Is.Empty);
        Assert.That(stdout, Does.Contain("best η none (every rate diverged)"));
        Assert.That(stdout, Does.Contain("L = 2 | — (1.000) | not tested (fewer than 2 γ with an η* beyond the crossover band)"));
        string report = File.ReadAllText(Path.Combine(output, "depth-2", "report.md"));
        Assert.That(report, Does.Contain("80 cells (80 diverged, 0 frozen"));
        Assert.That(report, Does.Contain("| 1E+100 | — | — | — | — | every rate diverged | 40 |"));
        Assert.That(File.Exists(Path.Combine(output, "depth-2", "heatmap.png")), Is.False);
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
