using Catapults.ML.Probes;
using Catapults.ML.Training;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests.DominantSubspace;

/// <summary>
/// The dominant-subspace verdicts when the Dom arm of one seed diverged: each claim is decided over every seed or not at
/// all, so the stall claim is not tested and names the seed, while the bulk claim, whose arms all finished, is judged.
/// Found by mutation testing (6 Dec 2026, round 12B): the existing case diverges only a Bulk arm.
/// </summary>
public sealed class DivergedDomArmVerdictTests
{
    private static ArmResult Arm(string name, double loss, bool diverged = false) =>
        new(name, Enumerable.Range(0, 10).Select(step => (step, loss)).ToList(), Array.Empty<SubspaceAlignmentRecord>(),
            diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached, diverged ? null : loss, 0, 0);

    [Test]
    public void ADivergedDomArmLeavesTheStallClaimNotTested()
    {
        var settings = new DominantSubspaceSettings { Seeds = 2 };
        // Seed 0's Dom arm stalls at the switch loss; seed 1's diverged, so it has no late loss.
        var results = Enumerable.Range(0, 2).Select(i => new StudyResult(settings with { Seed = i }, "test", 100, Arm("warm-up", 1), 1.0,
            new[] { 3.0, 0.3 }, new[] { Arm("SGD", 0.5), Arm("Dom-SGD", 1.0, diverged: i == 1), Arm("Bulk-SGD", 0.5) }, TimeSpan.FromSeconds(1))).ToList();

        string report = DominantSubspaceCommand.Report(results);

        Assert.That(report, Does.Contain("Dom-SGD stalls (late loss at least 0.95 × the loss at the switch): **not tested**"));
        Assert.That(report, Does.Contain("not decided over every seed: no late loss, the arm diverged, at seed 1"));
        Assert.That(report, Does.Contain("Bulk-SGD keeps pace with SGD (late loss at most 1.05 × SGD's): **holds**"));
    }
}
