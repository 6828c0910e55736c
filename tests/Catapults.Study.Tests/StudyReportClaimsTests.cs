using System.Globalization;
using System.Text.RegularExpressions;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>
/// What the gd-catapults and optimizers reports claim, on quick runs. Found by the review of 5 Dec 2026: gd-catapults
/// counted catapults of runs that diverged without a word, and optimizers called spikes catapults (it records no
/// λ_max) and reported a correlation that the training loss each run reached drives.
/// </summary>
public sealed class StudyReportClaimsTests
{
    [Test]
    public void AGdCatapultsRunThatDivergesIsNamedInTheVerdict()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("gd");
        // 2.5 × η_crit is past the paper's window (about 2 η_crit): the quick run diverges after its first raise.
        var (code, output, error) = StudyCli.Run("gd-catapults", "--quick", "--raise-factor", "2.5", "--out", dir);
        Assert.That(code, Is.EqualTo(0), error);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("Diverged: gd-seed0 (step "));
        Assert.That(output, Does.Contain("Diverged: gd-seed0"));
    }

    // Images have no true AGOP, so no catapult's alignment is measured: the claim is not tested, not failed.
    [Test]
    public void AGdCatapultsRunWithoutATrueAgopLeavesTheClaimNotTested()
    {
        using var temp = new TempDirectory();
        string root = temp.Combine("data");
        DatasetFixtures.WriteCifar(root, perBatch: 10, testCount: 10);
        string dir = temp.Combine("gd");
        var (code, output, error) = StudyCli.Run("gd-catapults", "--quick", "--dataset", "cifar10", "--data-root", root, "--n-train", "20", "--n-test", "10",
            "--raise-factor", "1.2", "--out", dir);
        Assert.That(code, Is.EqualTo(0), error);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        // At 1.2 × η_crit this run has one catapult after a raise (at 1.4 and above it diverges before any).
        Assert.That(output, Does.Contain("gd-seed0: BudgetReached, 1 catapults"), output);
        Assert.That(report, Does.Contain("Verdict: not tested: 1 of 1 catapults have no AGOP alignment (no true AGOP for this data)"), report);
        Assert.That(report, Does.Not.Contain("The claim fails"));
    }

    [Test]
    public void TheOptimizersReportCountsSpikesAndGivesTheCommonCause()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("opt");
        var (code, _, error) = StudyCli.Run("optimizers", "--quick", "--out", dir);
        Assert.That(code, Is.EqualTo(0), error);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("| loss spikes |").And.Not.Contain("| catapults |"));
        var partial = Regex.Match(report, @"given the training loss \(partial\) = (-?[0-9]+\.[0-9]+)");
        Assert.That(partial.Success, Is.True, report);
        Assert.That(Math.Abs(double.Parse(partial.Groups[1].Value, CultureInfo.InvariantCulture)), Is.LessThanOrEqualTo(1));
        var zero = Regex.Match(report, @"Predicting 0 gives a test loss of ([0-9.]+); (\d+) of (\d+) runs do no better");
        Assert.That(zero.Success, Is.True, report);
    }
}
