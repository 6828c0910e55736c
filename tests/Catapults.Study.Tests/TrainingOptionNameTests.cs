using Catapults.ML.Models;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunExecutor.Validate on a training edited into plan.json: the engine's refusal is reported under the study's option
/// for that field, so the user knows which one to change. Found by mutation testing (6 Dec 2026, round 12B).
/// </summary>
public sealed class TrainingOptionNameTests
{
    [Test]
    public void ANegativeTargetLossIsNamedByItsOption()
    {
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "test", Label = "target", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
            Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 20, 0, 10, targetLoss: -1), Seed = 0,
        };
        using var data = StudyData.Load(config.Data);
        var ex = Assert.Throws<ConfigurationException>(() => RunExecutor.Validate(config, data));
        Assert.That(ex!.Message, Does.StartWith("--target-loss: "));
    }

    // MaxSteps and LearningRate reach the engine's check only from an edited plan.json: the options refuse them first.
    [TestCase(-1, 0.05, "--max-steps: ")]
    [TestCase(20, 0.0, "--learning-rate: ")]
    public void AnEditedStepBudgetOrRateIsNamedByItsOption(int maxSteps, double rate, string named)
    {
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "test", Label = "budget", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
            Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(rate, 10, maxSteps, 0, 10), Seed = 0,
        };
        using var data = StudyData.Load(config.Data);
        var ex = Assert.Throws<ConfigurationException>(() => RunExecutor.Validate(config, data));
        Assert.That(ex!.Message, Does.StartWith(named));
    }
}
