using Catapults.ML.Training;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// <c>Fit</c> validates the options as they are when it starts (they may have changed since the trainer was built) and
/// keeps a snapshot: an observer added to the trainer's list afterwards is not the model's.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class TrainerFitSnapshotTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void OptionsMadeInvalidAfterTheTrainerWasBuiltAreRefusedAtFit()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        var trainer = _ml.Regression.Trainers.TorchNetwork(options);
        options.Training = options.Training with { MaxEpochs = 0 };
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(Tiny.Rows, seed: 5))).Dispose());
        Assert.That(ex!.Message, Does.Contain("Training.MaxEpochs is 0"));
    }

    [Test]
    public void AnObserverAddedAfterFitIsNotTheModels()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Training = options.Training with { MaxEpochs = 1 };
        var seen = new Observer();
        options.Observers.Add(seen);
        using var model = _ml.Regression.Trainers.TorchNetwork(options).Fit(_ml.Data.LoadFromEnumerable(TestData.Rank2(Tiny.Rows, seed: 5)));
        options.Observers.Add(new Observer());
        Assert.Multiple(() =>
        {
            Assert.That(seen.Started, Is.EqualTo(1), "the observer given before Fit observed it");
            Assert.That(model.Options.Observers, Is.EqualTo(new[] { seen }));
        });
    }

    private sealed class Observer : ITrainingObserver
    {
        public int Started;
        public void OnTrainingStarted(TrainingContext context) => Started++;
    }
}
