using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.GdCatapults;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

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
        using var temp = new TempDirectory();
        string runDir = temp.Combine("gd-seed0");
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max,eta_crit,agop_alignment\n");
        // step → (test loss, alignment)
        var points = new (int Step, double Test, double Align)[]
        {
            (0, 1.2, 0.30), (5, 0.8, 0.70), (10, 1.0, 0.50), (15, 1.1, 0.40), (20, 0.9, 0.60),
            (25, 0.9, 0.60), (30, 0.9, 0.65), (35, 0.8, 0.65), (40, 0.7, 0.55),
        };
        var rows = points.Select(p => new StepRow(p.Step, 0.5, null, 1.0, p.Test, new double?[] { 10.0, 0.2, p.Align })).ToList();
        var events = new[]
        {
            new CatapultEvent(2, 3, 4, 1, 3, 1, 10, 9),     // before the first raise (step 10): listed, not counted
            new CatapultEvent(10, 12, 20, 1, 3, 1, 10, 9),  // starts at the raise: before = step 10, after = step 20; up and down: yes
            new CatapultEvent(25, 27, 30, 1, 3, 1, 10, 9),  // alignment up, test loss unchanged: no
            new CatapultEvent(35, 37, 40, 1, 3, 1, 10, 9),  // alignment down, test loss down: no
        };
        var config = new RunConfig
        {
            Experiment = "gd-catapults", Label = "gd-seed0", Data = new DataSettings { TrainCount = 16, TestCount = 8, InputDimension = 4 },
            Network = NetworkDescription.Default, Training = RunConfig.TrainingFor(0.5, 16, 40, 0, 5), Seed = 0,
        };
        var summary = new RunSummary { Label = "gd-seed0", Outcome = "BudgetReached", Steps = 40, WallSeconds = 1, Catapults = 4, TestLoss = 0.7, AgopAlignment = 0.55 };
        var run = new RunOutcome(runDir, config, summary, rows, events);
        var raises = new List<LearningRateMilestone> { new(10, 0.6), new(20, 0.7) };
        using var data = StudyData.Load(config.Data);
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);

        GdCatapultsReport.Write(output, data, new[] { (run, (IReadOnlyList<LearningRateMilestone>)raises) }, 2.0, 10);

        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.That(report, Does.Contain(
            "Verdict: 2 of 3 catapults raised AGOP alignment, 2 of 3 lowered the test loss, and 1 of 3 did both"));
        Assert.That(report, Does.Contain("The claim, that every catapult does both, fails: 2 of 3 do not."));
        Assert.That(report, Does.Contain(" 1 catapult(s) before the first raise are listed but not counted."));
        var cells = report.Split('\n').Where(l => l.StartsWith("| gd-seed0 |", StringComparison.Ordinal)).Select(l => l.TrimEnd().TrimEnd('|').Split('|').Last().Trim()).ToList();
        Assert.That(cells, Is.EqualTo(new[] { "not counted (before the first raise)", "yes", "no", "no" }));
    }

    // One run of a single catapult from step 10 to 20, with the alignment at both ends given; returns report.md.
    private static string Report(double alignBefore, double alignAfter, IReadOnlyList<LearningRateMilestone> raises)
    {
        using var temp = new TempDirectory();
        string runDir = temp.Combine("gd-seed0");
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max,eta_crit,agop_alignment\n");
        var points = new (int Step, double Test, double Align)[] { (0, 1.2, 0.3), (10, 1.0, alignBefore), (20, 0.8, alignAfter) };
        var rows = points.Select(p => new StepRow(p.Step, 0.5, null, 1.0, p.Test, new double?[] { 10.0, 0.2, p.Align })).ToList();
        var events = new[] { new CatapultEvent(10, 12, 20, 1, 3, 1, 10, 9) };
        var config = new RunConfig
        {
            Experiment = "gd-catapults", Label = "gd-seed0", Data = new DataSettings { TrainCount = 16, TestCount = 8, InputDimension = 4 },
            Network = NetworkDescription.Default, Training = RunConfig.TrainingFor(0.5, 16, 20, 0, 5), Seed = 0,
        };
        var summary = new RunSummary { Label = "gd-seed0", Outcome = "BudgetReached", Steps = 20, WallSeconds = 1, Catapults = 1, TestLoss = 0.8, AgopAlignment = alignAfter };
        var run = new RunOutcome(runDir, config, summary, rows, events);
        using var data = StudyData.Load(config.Data);
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);
        GdCatapultsReport.Write(output, data, new[] { (run, raises) }, 2.0, 10);
        return File.ReadAllText(Path.Combine(output, "report.md"));
    }

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
