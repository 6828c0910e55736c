using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// Checkpoint spacing is the one option a resume may change (it rewrites config.json): a checkpoint written under the
/// old spacing still belongs to the run, also after a second interruption that came before any new checkpoint. Found by
/// mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class CheckpointSpacingResumeTests
{
    private static readonly RunConfig Config = new()
    {
        Experiment = "test", Label = "spacing", Data = new DataSettings { TrainCount = 60, TestCount = 20, InputDimension = 5 },
        Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 120, 1, 10), Seed = 1,
        RecordEvery = 10, CheckpointEvery = 30,
    };

    private static void RunUntil(RunConfig config, StudyData data, string dir, bool resume, int stopAt)
    {
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(config, data, dir, resume,
            new RunHooks { Progress = step => { if (step == stopAt) cancel.Cancel(); } }, cancel.Token));
    }

    [Test]
    public void ACheckpointOfTheOldSpacingIsResumedAfterASecondInterruption()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(Config.Data);
        string dir = temp.Combine("run");
        // Checkpoints at 90 and 60; then resumed every 60 steps (config.json rewritten) and stopped at 95, before 120.
        RunUntil(Config, data, dir, resume: false, stopAt: 100);
        var wider = Config with { CheckpointEvery = 60 };
        RunUntil(wider, data, dir, resume: true, stopAt: 95);
        var run = RunExecutor.Run(wider, data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(90));
    }
}
