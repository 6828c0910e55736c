using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// A run is checked against the memory it will need before anything is allocated: a size that cannot fit is one
/// error line naming the options, and a deep fully connected network that fits is not refused (its parameters are
/// counted exactly, not by a bound that grows sixteen-fold per hidden layer).
/// </summary>
public sealed class RunMemoryCheckTests
{
    private static readonly DataSettings Data = new() { TrainCount = 100, TestCount = 50, InputDimension = 10 };

    private static RunConfig Config(string architecture, int width) => new()
    {
        CheckpointEvery = 500, Experiment = "test", Label = "memory", Data = Data,
        Network = new NetworkDescription { Architecture = architecture, Width = width },
        Training = RunConfig.TrainingFor(0.05, 10, 20, 1, 10), Seed = 1, RecordEvery = 10,
    };

    [Test]
    public void ADeepNetworkThatFitsIsAcceptedAndOneThatCannotIsRefusedByName()
    {
        using var data = StudyData.Load(Data);
        // fcn-6 at width 8192: 5 hidden layers, about 2.7e8 parameters, about 4.3 GB with gradients and two moments.
        const double needed = 4.0 * 4 * (4 * 8192.0 * 8192 + 11 * 8192 + 8193);
        Assume.That(MemoryBudget.AvailableBytes, Is.GreaterThan(needed * 1.1), "this machine has too little memory for the accepted case");
        Assert.DoesNotThrow(() => RunExecutor.Validate(Config("fcn-6", 8192), data));

        var ex = Assert.Throws<ConfigurationException>(() => RunExecutor.Validate(Config("fcn-3", 10_000_000), data));
        Assert.That(ex!.Message, Does.Contain("fcn-3 of width 10000000").And.Contain("needs about").And.Contain("--width"));
    }
}
