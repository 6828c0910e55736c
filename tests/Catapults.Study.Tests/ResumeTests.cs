using Catapults.ML.Training;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>A run killed mid-way and resumed from its last checkpoint ends exactly where an uninterrupted run ends.</summary>
public sealed class ResumeTests
{
    private static RunConfig Config(string optimizer, double rate, double? momentum, int maxSteps = 300) => new()
    {
        Experiment = "test", Label = "resume", Data = new DataSettings { TrainCount = 200, TestCount = 100, InputDimension = 10 },
        Network = new NetworkDescription { Width = 64 },
        Training = RunConfig.TrainingFor(rate, 10, maxSteps, 3, 10, optimizer: Enum.Parse<OptimizerKind>(optimizer)) with
        {
            OptimizerSettings = momentum is double m ? new OptimizerOptions { Momentum = m } : new OptimizerOptions(),
        },
        Seed = 3,
        RecordEvery = 10, CheckpointEvery = 50,
    };

    [TestCase("Momentum", 0.05, 0.9)]
    [TestCase("Adam", 1e-3, null)]
    public void ResumedRunMatchesUninterruptedRun(string optimizer, double rate, double? momentum)
    {
        var config = Config(optimizer, rate, momentum);
        using var data = StudyData.Load(config.Data);
        using (var temp = new TempDirectory())
        {
            string root = temp.Combine("study-resume");
            var whole = RunExecutor.Run(config, data, Path.Combine(root, "whole"), resume: false);

            // "Kill" the second run at step 137: the trainer stops without writing anything more, so the last
            // checkpoint (step 100) is all a resumed run can use.
            string killed = Path.Combine(root, "killed");
            using var cancel = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(config, data, killed, resume: false,
                new RunHooks { Progress = step => { if (step == 137) cancel.Cancel(); } }, cancel.Token));
            Assert.That(File.Exists(Path.Combine(killed, "summary.json")), Is.False);
            Assert.That(File.Exists(Path.Combine(killed, "checkpoint", "state.json")), Is.True);
            int firstResumedStep = -1;
            var resumed = RunExecutor.Run(config, data, killed, resume: true,
                new RunHooks { Progress = step => { if (firstResumedStep < 0) firstResumedStep = step; } });

            Assert.That(firstResumedStep, Is.EqualTo(101), "the resumed run continues from the step-100 checkpoint");
            Assert.That(resumed.Summary.ResumedFromStep, Is.EqualTo(100));
            Assert.That(whole.Summary.ResumedFromStep, Is.Null);
            Assert.That(resumed.Summary.Steps, Is.EqualTo(whole.Summary.Steps));
            Assert.That(resumed.Summary.TrainLoss, Is.EqualTo(whole.Summary.TrainLoss));
            Assert.That(resumed.Summary.TestLoss, Is.EqualTo(whole.Summary.TestLoss));
            Assert.That(resumed.Summary.AgopAlignment, Is.EqualTo(whole.Summary.AgopAlignment));
            Assert.That(resumed.Summary.Catapults, Is.EqualTo(whole.Summary.Catapults));
            Assert.That(File.ReadAllText(Path.Combine(killed, "steps.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(root, "whole", "steps.csv"))));
            Assert.That(File.ReadAllBytes(Path.Combine(killed, "model.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(root, "whole", "model.safetensors"))));
            Assert.That(Directory.Exists(Path.Combine(killed, "checkpoint")), Is.False, "a finished run drops its checkpoint");

            // A finished run is read back, not retrained.
            bool trained = false;
            var again = RunExecutor.Run(config, data, killed, resume: true, new RunHooks { Progress = _ => trained = true });
            Assert.That(trained, Is.False);
            Assert.That(again.Summary.TestLoss, Is.EqualTo(whole.Summary.TestLoss));
        }
    }

    [Test]
    public void AKillBetweenTheRenamesOfACheckpointWriteResumesFromThePreviousCheckpoint()
    {
        var config = Config("Momentum", 0.05, 0.9);
        using var data = StudyData.Load(config.Data);
        using (var temp = new TempDirectory())
        {
            string dir = temp.Combine("study-old-checkpoint");
            using var cancel = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(config, data, dir, resume: false,
                new RunHooks { Progress = step => { if (step == 137) cancel.Cancel(); } }, cancel.Token));
            // What Save leaves when killed after moving the old checkpoint aside and before moving the new one in
            // (the checkpoint before it, kept as checkpoint.old until then, is already gone).
            Directory.Delete(Path.Combine(dir, "checkpoint.old"), true);
            Directory.Move(Path.Combine(dir, "checkpoint"), Path.Combine(dir, "checkpoint.old"));
            Directory.CreateDirectory(Path.Combine(dir, "checkpoint.tmp"));

            var resumed = RunExecutor.Run(config, data, dir, resume: true);
            Assert.That(resumed.Summary.ResumedFromStep, Is.EqualTo(100));
            Assert.That(resumed.Summary.Steps, Is.EqualTo(300));
            foreach (var leftover in new[] { "checkpoint", "checkpoint.old", "checkpoint.tmp" })
                Assert.That(Directory.Exists(Path.Combine(dir, leftover)), Is.False, leftover);
        }
    }

    [Test]
    public void DivergedRunIsRecordedAsDiverged()
    {
        var config = Config("Sgd", 50, null, maxSteps: 200);
        using var data = StudyData.Load(config.Data);
        using (var temp = new TempDirectory())
        {
            string dir = temp.Combine("study-diverge");
            var run = RunExecutor.Run(config, data, dir, resume: false);
            Assert.That(run.Summary.Outcome, Is.EqualTo("Diverged"));
            Assert.That(run.Summary.Divergence, Is.Not.Null.And.Not.Empty);
            Assert.That(run.Summary.TestLoss, Is.Null);
            Assert.That(File.ReadAllText(Path.Combine(dir, "summary.json")), Does.Contain("\"outcome\": \"Diverged\""));
        }
    }
}
