using Catapults.ML.Diagnostics;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.GdCatapults;

/// <summary>
/// The gd-catapults report on a planted run, counted by hand: which catapults count (from the first raise on), the
/// rows taken before (at the start) and after (the first at or after the end), and the verdict's words. Found by
/// mutation testing (6 Dec 2026): eight faults in these rules passed every test. An unchanged alignment is not a rise,
/// and a run without raises counts no catapult (round 14B).
/// </summary>
public sealed class GdCatapultsReportTests
{
    [Test]
    public void CatapultsFromTheFirstRaiseOnAreCountedAndTheVerdictSaysHowManyDoBoth()
    {
        // step → (test loss, alignment)
        var points = new (int Step, double Test, double Align)[]
        {
            (0, 1.2, 0.30), (5, 0.8, 0.70), (10, 1.0, 0.50), (15, 1.1, 0.40), (20, 0.9, 0.60),
            (25, 0.9, 0.60), (30, 0.9, 0.65), (35, 0.8, 0.65), (40, 0.7, 0.55),
        };
        var events = new[]
        {
            new CatapultEvent(2, 3, 4, 1, 3, 1, 10, 9),     // before the first raise (step 10): listed, not counted
            new CatapultEvent(10, 12, 20, 1, 3, 1, 10, 9),  // starts at the raise: before = step 10, after = step 20; up and down: yes
            new CatapultEvent(25, 27, 30, 1, 3, 1, 10, 9),  // alignment up, test loss unchanged: no
            new CatapultEvent(35, 37, 40, 1, 3, 1, 10, 9),  // alignment down, test loss down: no
        };
        var summary = new RunSummary { Label = "gd-seed0", Outcome = "BudgetReached", Steps = 40, WallSeconds = 1, Catapults = 4, TestLoss = 0.7, AgopAlignment = 0.55 };

        string report = PlantedGdCatapultsRun.Report(0, points, events, new List<LearningRateMilestone> { new(10, 0.6), new(20, 0.7) }, summary,
            learningRate: 0.5, steps: 40, factor: 2.0);
        Assert.That(report, Does.Contain(
            "Verdict: 2 of 3 catapults raised AGOP alignment, 2 of 3 lowered the test loss, and 1 of 3 did both"));
        Assert.That(report, Does.Contain("The claim, that every catapult does both, fails: 2 of 3 do not."));
        Assert.That(report, Does.Contain(" 1 catapult(s) before the first raise are listed but not counted."));
        var cells = report.Split('\n').Where(l => l.StartsWith("| gd-seed0 |", StringComparison.Ordinal)).Select(l => l.TrimEnd().TrimEnd('|').Split('|').Last().Trim()).ToList();
        Assert.That(cells, Is.EqualTo(new[] { "not counted (before the first raise)", "yes", "no", "no" }));
    }

    // One run of a single catapult from step 10 to 20, with the alignment at both ends given; returns report.md.
    private static string Report(double alignBefore, double alignAfter, IReadOnlyList<LearningRateMilestone> raises) =>
        PlantedGdCatapultsRun.Report(0,
            new (int, double, double)[] { (0, 1.2, 0.3), (10, 1.0, alignBefore), (20, 0.8, alignAfter) },
            new[] { new CatapultEvent(10, 12, 20, 1, 3, 1, 10, 9) }, raises,
            new RunSummary { Label = "gd-seed0", Outcome = "BudgetReached", Steps = 20, WallSeconds = 1, Catapults = 1, TestLoss = 0.8, AgopAlignment = alignAfter },
            learningRate: 0.5, steps: 20, factor: 2.0);

    [Test]
    public void AnUnchangedAlignmentIsNoRise() =>
        Assert.That(Report(0.5, 0.5, new List<LearningRateMilestone> { new(10, 0.6) }),
            Does.Contain("Verdict: 0 of 1 catapults raised AGOP alignment, 1 of 1 lowered the test loss, and 0 of 1 did both"));

    [Test]
    public void WithoutRaisesNoCatapultIsCounted()
    {
        string report = Report(0.5, 0.7, new List<LearningRateMilestone>());
        Assert.That(report, Does.Contain("no catapult followed a raise"));
        Assert.That(report, Does.Contain(" 1 catapult(s) before the first raise are listed but not counted."));
    }
}
