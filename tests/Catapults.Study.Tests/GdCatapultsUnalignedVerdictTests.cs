using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.GdCatapults;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The gd-catapults verdict on a run without an AGOP alignment column (real data has no true AGOP): the claim that
/// catapults raise the alignment cannot be judged, whatever the test losses did. Found by mutation testing (6 Dec 2026,
/// round 12B).
/// </summary>
public sealed class GdCatapultsUnalignedVerdictTests
{
    [Test]
    public void WithoutAlignmentTheClaimIsNotTested()
    {
        using var temp = new TempDirectory();
        string runDir = temp.Combine("gd-seed0");
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max,eta_crit\n");
        var rows = new[] { (0, 1.2), (10, 1.0), (20, 0.8) }.Select(p => new StepRow(p.Item1, 0.5, null, 1.0, p.Item2, new double?[] { 10.0, 0.2 })).ToList();
        // One catapult after the raise at step 10; the test loss falls across it.
        var events = new[] { new CatapultEvent(10, 12, 20, 1, 3, 1, 10, 9) };
        var config = new RunConfig
        {
            Experiment = "gd-catapults", Label = "gd-seed0", Data = new DataSettings { TrainCount = 16, TestCount = 8, InputDimension = 4 },
            Network = NetworkDescription.Default, Training = RunConfig.TrainingFor(0.5, 16, 20, 0, 10), Seed = 0,
        };
        var summary = new RunSummary { Label = "gd-seed0", Outcome = "BudgetReached", Steps = 20, WallSeconds = 1, Catapults = 1, Spikes = 1, TestLoss = 0.8 };
        var run = new RunOutcome(runDir, config, summary, rows, events);
        using var data = StudyData.Load(config.Data);
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);

        GdCatapultsReport.Write(output, data, new[] { (run, (IReadOnlyList<LearningRateMilestone>)new List<LearningRateMilestone> { new(10, 0.6) }) }, 2.0, 10);

        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.That(report, Does.Contain("Verdict: not tested: 1 of 1 catapults have no AGOP alignment"));
        Assert.That(report, Does.Contain("1 of 1 lowered the test loss."));
    }
}
