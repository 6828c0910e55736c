using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunDirectory.Read on a finished run whose steps.csv has a row no run writes: the error names the file and the line
/// as an editor numbers it (the header is line 1). Found by mutation testing (6 Dec 2026, round 16B).
/// </summary>
public sealed class RunDirectoryReadTests
{
    // Found by mutation testing (7 Dec 2026, round 27B): a resumed sweep reads its finished runs back, so each column of
    // steps.csv must land in its own field, the training and test losses above all.
    [Test]
    public void EachColumnIsReadIntoItsField()
    {
        using var temp = new TempDirectory();
        WriteRunFilesBesideSteps(temp);
        File.WriteAllText(temp.Combine("steps.csv"), "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max,eta_crit\n0,0.1,,0.5,0.6,3.5,\n10,0.2,0.7,0.25,0.75,,1e-3\n");

        var rows = RunDirectory.Read(temp.Path).Rows;
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That((rows[0].Step, rows[0].LearningRate, rows[0].BatchLoss, rows[0].TrainLoss, rows[0].TestLoss), Is.EqualTo((0, 0.1, (double?)null, 0.5, 0.6)));
            Assert.That(rows[0].Extra, Is.EqualTo(new double?[] { 3.5, null }));
            Assert.That((rows[1].Step, rows[1].LearningRate, rows[1].BatchLoss, rows[1].TrainLoss, rows[1].TestLoss), Is.EqualTo((10, 0.2, (double?)0.7, 0.25, 0.75)));
            Assert.That(rows[1].Extra, Is.EqualTo(new double?[] { null, 0.001 }));
        });
    }

    // One field short of the five fixed ones is as torn as three short (round 20B: only three short was tried).
    [TestCase("20,0.1", "2 fields")]
    [TestCase("20,0.1,,0.5", "4 fields")]
    public void ABadStepsRowIsNamedByItsLineNumber(string torn, string fields)
    {
        using var temp = new TempDirectory();
        WriteRunFilesBesideSteps(temp);
        string steps = temp.Combine("steps.csv");
        // Line 1 the header, line 2 a good row, line 3 a torn one.
        File.WriteAllText(steps, $"step,learning_rate,batch_loss,train_loss,test_loss\n10,0.1,,0.5,0.6\n{torn}\n");

        var ex = Assert.Throws<InvalidDataException>(() => RunDirectory.Read(temp.Path))!;
        Assert.That(ex.Message, Is.EqualTo($"{steps}: line 3 cannot be read ({fields}, expected at least 5)."), ex.Message);

        File.WriteAllText(steps, "step,learning_rate,batch_loss,train_loss,test_loss\n10,0.1,,0.5,0.6\n");
        Assert.That(RunDirectory.Read(temp.Path).Rows.Select(r => r.Step), Is.EqualTo(new[] { 10 }));
    }

    /// <summary>A finished b = 10 run's configuration, summary and (empty) events, so that steps.csv is what a test varies.</summary>
    private static void WriteRunFilesBesideSteps(TempDirectory temp)
    {
        StudyJson.Write(temp.Combine("config.json"), new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = "b10-seed0", Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1, 10, 100, 0, 10), Seed = 0,
        });
        StudyJson.Write(temp.Combine("summary.json"), new RunSummary { Label = "b10-seed0", Outcome = "BudgetReached", Steps = 20, WallSeconds = 1, Catapults = 0 });
        StudyJson.Write(temp.Combine("events.json"), new List<CatapultEvent>());
    }
}
