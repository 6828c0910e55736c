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
    // One field short of the five fixed ones is as torn as three short (round 20B: only three short was tried).
    [TestCase("20,0.1", "2 fields")]
    [TestCase("20,0.1,,0.5", "4 fields")]
    public void ABadStepsRowIsNamedByItsLineNumber(string torn, string fields)
    {
        using var temp = new TempDirectory();
        StudyJson.Write(temp.Combine("config.json"), new RunConfig
        {
            Experiment = "batch-sweep", Label = "b10-seed0", Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1, 10, 100, 0, 10), Seed = 0,
        });
        StudyJson.Write(temp.Combine("summary.json"), new RunSummary { Label = "b10-seed0", Outcome = "BudgetReached", Steps = 20, WallSeconds = 1, Catapults = 0 });
        StudyJson.Write(temp.Combine("events.json"), new List<CatapultEvent>());
        string steps = temp.Combine("steps.csv");
        // Line 1 the header, line 2 a good row, line 3 a torn one.
        File.WriteAllText(steps, $"step,learning_rate,batch_loss,train_loss,test_loss\n10,0.1,,0.5,0.6\n{torn}\n");

        var ex = Assert.Throws<InvalidDataException>(() => RunDirectory.Read(temp.Path))!;
        Assert.That(ex.Message, Is.EqualTo($"{steps}: line 3 cannot be read ({fields}, expected at least 5)."), ex.Message);

        File.WriteAllText(steps, "step,learning_rate,batch_loss,train_loss,test_loss\n10,0.1,,0.5,0.6\n");
        Assert.That(RunDirectory.Read(temp.Path).Rows.Select(r => r.Step), Is.EqualTo(new[] { 10 }));
    }
}
