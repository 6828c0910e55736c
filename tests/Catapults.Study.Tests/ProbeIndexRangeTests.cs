using Catapults.ML.Models;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// RunExecutor.Validate on a configuration edited into plan.json: the probe set's indices are 0-based, so index n is one
/// past the training set and refused by name, while n − 1 is its last sample. Found by mutation testing (6 Dec 2026,
/// round 12B).
/// </summary>
public sealed class ProbeIndexRangeTests
{
    private static readonly RunConfig Config = new()
    {
        RecordEvery = 10, CheckpointEvery = 500, Experiment = "test", Label = "probe", Data = new DataSettings { TrainCount = 40, TestCount = 10, InputDimension = 4 },
        Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 20, 0, 10), Seed = 0,
    };

    [Test]
    public void TheLastSampleIsAProbeAndOnePastItIsNot()
    {
        using var data = StudyData.Load(Config.Data);
        Assert.That(data.Train.Count, Is.EqualTo(40));
        Assert.DoesNotThrow(() => RunExecutor.Validate(Config with { ProbeIndices = new long[] { 0, 39 } }, data));
        var ex = Assert.Throws<ConfigurationException>(() => RunExecutor.Validate(Config with { ProbeIndices = new long[] { 0, 40 } }, data));
        Assert.That(ex!.Message, Does.StartWith("the probe set of probe indexes past the 40 training samples as loaded"));
    }
}
