using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// The catalogs' simple overloads put each argument where it belongs: the seed seeds both the initialisation and the
/// batch order. Found by mutation testing (round 14B).
/// </summary>
public sealed class TorchNetworkCatalogTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void EachArgumentOfTheSimpleOverloadsReachesItsOption()
    {
        var network = new NetworkDescription { Architecture = "fcn-3", Width = 12 };
        TorchNetworkTrainerOptions[] fromCatalogs =
        {
            _ml.Regression.Trainers.TorchNetwork("y", "x", network, learningRate: 0.3, batchSize: 7, numberOfEpochs: 3, seed: 11).TrainerOptions,
            _ml.BinaryClassification.Trainers.TorchNetwork("y", "x", network, learningRate: 0.3, batchSize: 7, numberOfEpochs: 3, seed: 11).TrainerOptions,
            _ml.MulticlassClassification.Trainers.TorchNetwork("y", "x", network, learningRate: 0.3, batchSize: 7, numberOfEpochs: 3, seed: 11).TrainerOptions,
        };
        foreach (var options in fromCatalogs)
        {
            Assert.That((options.LabelColumnName, options.FeatureColumnName, options.Network), Is.EqualTo(("y", "x", network)));
            var t = options.Training;
            Assert.That((t.LearningRate, t.BatchSize, t.MaxEpochs), Is.EqualTo((0.3, (int?)7, (int?)3)));
            Assert.That((options.Seed, t.ShuffleSeed), Is.EqualTo((11L, 11L)), "the seed seeds the initialisation and the batch order");
        }
    }
}
