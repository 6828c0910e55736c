using Catapults.ML.Models;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunExecutor.Validate on a configuration edited off the record grid: a checkpoint spacing one step past a multiple
/// of the record interval is refused like any other remainder. Found by mutation testing (6 Dec 2026, round 16B): the
/// plan test only tried a remainder of 2. RunExecutor.Run refuses to resume with an observer that no checkpoint holds
/// (round 20B: nothing tried one).
/// </summary>
public sealed class RunExecutorValidateTests
{
    [TestCase(11, false)]
    [TestCase(20, true)]
    [TestCase(0, true)]
    public void CheckpointsMustLieOnTheRecordGrid(int checkpointEvery, bool valid)
    {
        var config = new RunConfig
        {
            Experiment = "test", Label = "b10-seed0", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
            Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 40, 0, 10), Seed = 0,
            RecordEvery = 10, CheckpointEvery = checkpointEvery,
        };
        using var data = StudyData.Load(config.Data);
        if (valid)
            Assert.DoesNotThrow(() => RunExecutor.Validate(config, data));
        else
            Assert.That(() => RunExecutor.Validate(config, data), Throws.TypeOf<ConfigurationException>()
                .With.Message.EqualTo("checkpointEvery of b10-seed0 is 11, expected 0 or a multiple of recordEvery (10)."));
    }

    private sealed class Uncheckpointed : Catapults.ML.Training.ITrainingObserver
    {
    }

    // Resuming with an observer whose state no checkpoint holds would give it only the steps after the resume: a
    // programming error, refused before the run's folder is touched.
    [Test]
    public void ResumingWithAnObserverThatIsNotCheckpointedIsRefusedBeforeAnythingIsWritten()
    {
        using var temp = new Catapults.ML.Tests.Data.Fixtures.TempDirectory();
        var config = new RunConfig
        {
            Experiment = "test", Label = "observed", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
            Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 40, 0, 10), Seed = 0,
            RecordEvery = 10, CheckpointEvery = 20,
        };
        using var data = StudyData.Load(config.Data);
        string dir = temp.Combine("run");
        var hooks = new RunHooks { Observers = new[] { new Uncheckpointed() } };
        var ex = Assert.Throws<InvalidOperationException>(() => RunExecutor.Run(config, data, dir, resume: true, hooks));
        Assert.That(ex!.Message, Does.Contain("implement ICheckpointedObserver"));
        Assert.That(Directory.Exists(dir), Is.False);
    }
}
