using Catapults.ML.Diagnostics;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.GdCatapults;

/// <summary>
/// The gd-catapults report's cells and sentences on a planted run whose values all differ, so that a swapped or
/// misread field shows: each catapult row's steps, peak ratio, λ_max, test loss and alignment before and after; the
/// run's paragraph with its raises; a diverged run named in the verdict; and a run without a true AGOP, whose claim is
/// not tested. Found by mutation testing (round 17B).
/// </summary>
public sealed class GdCatapultsReportCellsTests
{
    // One catapult from step 10 (peak 14) to 20, λ_max 12 → 7, loss 0.4 → 1.0 → 0.3; the rows give the test loss and
    // alignment at 0, 10, 20 and 30.
    private static string Report(bool aligned = true, string outcome = "BudgetReached", string? divergence = null, int end = 20, double factor = 1.5) =>
        PlantedGdCatapultsRun.Report(3,
            new (int, double, double)[] { (0, 1.5, 0.11), (10, 1.25, 0.22), (20, 0.75, 0.33), (30, 0.5, 0.44) },
            new[] { new CatapultEvent(10, 14, end, 0.4, 1.0, 0.3, 12, 7) },
            new List<LearningRateMilestone> { new(10, 0.625), new(25, 0.875) },
            new RunSummary
            {
                Label = "gd-seed3", Outcome = outcome, Steps = 30, WallSeconds = 1, Catapults = 1, TestLoss = 0.5, AgopAlignment = aligned ? 0.44 : null,
                Divergence = divergence,
            },
            learningRate: 0.375, steps: 40, factor: factor, aligned: aligned);

    private static string[] Row(string report) =>
        report.Split('\n').Single(l => l.StartsWith("| gd-seed3 |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();

    [Test]
    public void ACatapultRowGivesEachValueInItsColumn()
    {
        var row = Row(Report());
        // Columns: 1 run, 2 catapult, 3 start, 4 peak, 5 end, 6 peak / start, 7–8 λ_max, 9–10 test loss, 11–12 alignment, 13 both.
        Assert.That(row[1..14], Is.EqualTo(new[] { "gd-seed3", "1", "10", "14", "20", "2.50", "12", "7", "1.25", "0.75", "0.22", "0.33", "yes" }));
    }

    [Test]
    public void TheRunsParagraphListsItsRaisesAndItsStartingRate()
    {
        string report = Report();
        Assert.That(report, Does.Contain("Outcome BudgetReached after 30 steps; 1 catapults; final test loss 0.5, AGOP alignment 0.44. " +
                                         "Raises: step 10 → η = 0.625, step 25 → η = 0.875 (initial η = 0.375)."));
        Assert.That(report, Does.Contain("every 10 steps it is raised to 1.5 × η_crit(full batch)"));
    }

    [Test]
    public void ADivergedRunIsNamedWithItsDivergence()
    {
        string report = Report(outcome: "Diverged", divergence: "step 30: the loss is NaN");
        Assert.That(report, Does.Contain(" Diverged: gd-seed3 (step 30: the loss is NaN); their catapults before the divergence are counted"));
        Assert.That(Report(), Does.Not.Contain("Diverged:"));
    }

    [Test]
    public void WithoutATrueAgopTheClaimIsNotTestedButTheTestLossIsCounted()
    {
        string report = Report(aligned: false);
        Assert.That(report, Does.Contain("Verdict: not tested: 1 of 1 catapults have no AGOP alignment (no true AGOP for this data), so the claim that " +
                                         "catapults raise it could not be judged; 1 of 1 lowered the test loss."));
        Assert.That(Row(report)[11..14], Is.EqualTo(new[] { "n/a", "n/a", "n/a (no true AGOP)" }));
    }

    // Found by mutation testing (7 Dec 2026, round 21B): a catapult that ends after the last record (a run cut short)
    // is measured after at that last record, not at the first; a claim that holds says so without a count of failures;
    // the raise factor is printed to three significant digits.
    [Test]
    public void ACatapultEndingAfterTheLastRecordIsMeasuredAtTheLastRecord()
    {
        var row = Row(Report(end: 35));
        Assert.That(row[5], Is.EqualTo("35"));
        Assert.That(row[9..14], Is.EqualTo(new[] { "1.25", "0.5", "0.22", "0.44", "yes" }));
    }

    [Test]
    public void AClaimThatHoldsEndsItsVerdictThere()
    {
        string report = Report();
        Assert.That(report, Does.Contain("Verdict: 1 of 1 catapults raised AGOP alignment, 1 of 1 lowered the test loss, and 1 of 1 did both"));
        Assert.That(report, Does.Contain("The claim, that every catapult does both, holds.").And.Not.Contain("do not."));
        Assert.That(report, Does.Not.Contain("catapult(s) before the first raise"), "no catapult came before the first raise (mutation round 27C)");
    }

    [Test]
    public void TheRaiseFactorIsGivenToThreeSignificantDigits() =>
        Assert.That(Report(factor: 1.25), Does.Contain("every 10 steps it is raised to 1.25 × η_crit(full batch)"));
}
