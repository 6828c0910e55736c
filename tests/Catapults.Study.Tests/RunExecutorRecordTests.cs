using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// What RunExecutor writes, against its documentation: summary.json's wall time summed over resumed segments, and a
/// last row of steps.csv at the final step even when the record interval does not divide the step count.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class RunExecutorRecordTests
{
    private static RunConfig Config(int maxSteps, int recordEvery, int checkpointEvery) => new()
    {
        Experiment = "test", Label = "record", Data = new DataSettings { TrainCount = 40, TestCount = 20, InputDimension = 4 },
        Network = new NetworkDescription { Width = 8 },
        Training = RunConfig.TrainingFor(0.01, 10, maxSteps, 1, recordEvery), Seed = 1,
        RecordEvery = recordEvery, CheckpointEvery = checkpointEvery,
    };

    [Test]
    public void TheWallTimeOfAResumedRunIncludesTheSegmentBeforeTheKill()
    {
        var config = Config(40, 5, 10);
        using var data = StudyData.Load(config.Data);
        using var temp = new TempDirectory();
        string dir = temp.Combine("run");
        using var cancel = new CancellationTokenSource();
        // The first segment takes at least 20 × 30 ms = 0.6 s; the resumed one takes no pause.
        Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(config, data, dir, resume: false,
            new RunHooks { Progress = step => { Thread.Sleep(30); if (step == 21) cancel.Cancel(); } }, cancel.Token));
        var resumed = RunExecutor.Run(config, data, dir, resume: true);
        Assert.That(resumed.Summary.ResumedFromStep, Is.EqualTo(20));
        Assert.That(resumed.Summary.WallSeconds, Is.GreaterThanOrEqualTo(0.6), "summed over resumed segments");
    }

    [Test]
    public void TheLastRowIsAtTheFinalStep()
    {
        // 23 steps recorded every 5: rows at 0, 5, …, 20 and the final weights at 23.
        var config = Config(23, 5, 0);
        using var data = StudyData.Load(config.Data);
        using var temp = new TempDirectory();
        var outcome = RunExecutor.Run(config, data, temp.Combine("run"), resume: false);
        Assert.That(outcome.Summary.Steps, Is.EqualTo(23));
        Assert.That(outcome.Rows.Select(r => r.Step), Is.EqualTo(new[] { 0, 5, 10, 15, 20, 23 }));
        var lines = File.ReadAllLines(Path.Combine(temp.Combine("run"), "steps.csv"));
        Assert.That(lines[^1].Split(',')[0], Is.EqualTo("23"));
    }
}
