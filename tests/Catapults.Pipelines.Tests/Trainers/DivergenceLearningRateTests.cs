using System.Globalization;
using Catapults.ML.Training;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// The divergence message names the learning rate in force at the step that diverged, not the schedule's first rate:
/// the advice "lower it" is about that rate. Found by mutation testing (round 11B).
/// </summary>
public sealed class DivergenceLearningRateTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void TheMessageNamesTheRateOfTheStepThatDiverged()
    {
        // 64 rows in batches of 16: steps 0-2 at a tame rate, then a rate that blows the loss up at once.
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { MaxEpochs = 2, Schedule = new MilestoneSchedule(0.01, new[] { (3, 1e4) }) };
        var ex = Assert.Throws<TrainingDivergedException>(() =>
            _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 71))));
        Assert.That(ex!.Report.Result.Divergence!.Step, Is.GreaterThanOrEqualTo(3), "the tame steps did not diverge");
        Assert.That(ex.Message, Does.Contain("The learning rate there was 10000;"));
    }

    // The message gives both losses around the divergence, the last finite one and the one that ended the run, as the
    // report holds them (mutant 20A-M18 dropped the second).
    [Test]
    public void TheMessageNamesTheLastFiniteLossAndTheLossThatEndedTheRun()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { LearningRate = 1e4 };
        var ex = Assert.Throws<TrainingDivergedException>(() =>
            _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 71))));
        var d = ex!.Report.Result.Divergence!;
        Assert.That(d.LastFiniteLoss, Is.Not.Null, "a first step at this rate is finite");
        Assert.That(d.OffendingLoss, Is.Not.Null);
        Assert.That(ex.Message, Does.Contain(string.Format(CultureInfo.InvariantCulture, "(last finite loss {0:G4}, then {1:G4})", d.LastFiniteLoss, d.OffendingLoss)));
    }
}
