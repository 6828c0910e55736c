using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunDirectory.VerifyFinished on a hand-made finished run whose files all match their checksums: the summary's
/// catapult count must be the length of events.json, in either direction. Found by mutation testing (6 Dec 2026, round
/// 12B): the damaged-run tests only raise the count. config.json is one of the files a finished run guards: an edit
/// that leaves its options as they were (which the options check cannot see) still makes the run untrusted.
/// </summary>
public sealed class RunDirectoryVerifyTests
{
    private static string Write(TempDirectory temp, int catapults)
    {
        var events = new List<CatapultEvent> { new(10, 20, 30, 1, 4, 1, 10, 9), new(40, 50, 60, 1, 4, 1, 10, 9) };
        var files = new Dictionary<string, FileDigest> { ["events.json"] = StudyJson.Write(temp.Combine("events.json"), events) };
        StudyJson.Write(temp.Combine("summary.json"), new RunSummary
        {
            Label = "b10-seed0", Outcome = "BudgetReached", Steps = 60, WallSeconds = 1, TrainLoss = 0.1, TestLoss = 0.2,
            Catapults = catapults, Spikes = 3, Files = files,
        });
        return temp.Path;
    }

    [Test]
    public void ACountEqualToTheEventsIsTrusted()
    {
        using var temp = new TempDirectory();
        Assert.That(RunDirectory.VerifyFinished(Write(temp, 2)), Is.Null);
    }

    [Test]
    public void FewerCatapultsThanEventsIsNotTrusted()
    {
        using var temp = new TempDirectory();
        Assert.That(RunDirectory.VerifyFinished(Write(temp, 1)), Does.EndWith("catapults 1 differs from the 2 events of events.json"));
    }

    // Found by mutation testing (6 Dec 2026, round 16B): a raised count within the spikes (3 of 3) passes the summary's
    // own check, so only the events tell; the damaged-run tests raise it past the spikes.
    [Test]
    public void MoreCatapultsThanEventsIsNotTrusted()
    {
        using var temp = new TempDirectory();
        Assert.That(RunDirectory.VerifyFinished(Write(temp, 3)), Does.EndWith("catapults 3 differs from the 2 events of events.json"));
    }

    // Found by mutation testing (7 Dec 2026, round 27B): an empty list vouches for no file.
    [Test]
    public void ASummaryListingNoChecksumsIsNotTrusted()
    {
        using var temp = new TempDirectory();
        StudyJson.Write(temp.Combine("events.json"), new List<CatapultEvent>());
        StudyJson.Write(temp.Combine("summary.json"), new RunSummary
        {
            Label = "b10-seed0", Outcome = "BudgetReached", Steps = 60, WallSeconds = 1, TrainLoss = 0.1, TestLoss = 0.2,
            Catapults = 0, Files = new Dictionary<string, FileDigest>(),
        });
        Assert.That(RunDirectory.VerifyFinished(temp.Path), Is.EqualTo($"{temp.Combine("summary.json")} lists no file checksums (written by an older version?)"));
    }

    [Test]
    public void AnEditedConfigOfAFinishedRunIsNotTrusted()
    {
        using var temp = new TempDirectory();
        var config = new RunConfig
        {
            RecordEvery = 10, Experiment = "test", Label = "config", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
            Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 20, 0, 10), Seed = 0, CheckpointEvery = 0,
        };
        using var data = StudyData.Load(config.Data);
        string dir = temp.Combine("run");
        RunExecutor.Run(config, data, dir, resume: false);
        Assert.That(RunDirectory.VerifyFinished(dir), Is.Null);
        // Same options, one more line break: only the checksum tells.
        File.AppendAllText(Path.Combine(dir, "config.json"), "\n");
        Assert.That(RunDirectory.VerifyFinished(dir), Does.StartWith(Path.Combine(dir, "config.json")));
    }
}
