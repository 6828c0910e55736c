using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>
/// ML.NET's own tools run on our trainers as on its own: cross-validation fits one model per fold, and permutation
/// feature importance finds the two features the rank-2 target y = x₁x₂ depends on.
/// </summary>
public class MlNetToolsTests
{
    private readonly MLContext _ml = new(seed: 4);

    private static TorchNetworkRegressionTrainer.Options Options() => new()
    {
        Network = new() { Width = 256 }, Training = new() { LearningRate = 0.5, BatchSize = 32, MaxEpochs = 30, ShuffleSeed = 1 }, Seed = 1,
    };

    [Test]
    public void CrossValidationFitsAModelPerFoldAndEachLearns()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(600, seed: 81));
        var pipeline = _ml.Transforms.NormalizeMeanVariance("Features").Append(_ml.Regression.Trainers.TorchNetwork(Options()));

        var folds = _ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 3, seed: 2);

        Assert.That(folds, Has.Count.EqualTo(3));
        Assert.That(folds.Select(f => f.Fold), Is.EquivalentTo(new[] { 0, 1, 2 }));
        // Every fold's model is its own, trained on two thirds of the rows and scored on the other third.
        Assert.That(folds.Select(f => f.Model).Distinct().Count(), Is.EqualTo(3));
        foreach (var fold in folds)
        {
            Assert.That(fold.Metrics.RSquared, Is.GreaterThan(0.5), $"fold {fold.Fold}: held-out R² {fold.Metrics.RSquared}");
            Assert.That(TestData.Column(fold.ScoredHoldOutSet, "Score"), Has.Count.InRange(150, 250), $"fold {fold.Fold}: held-out rows");
        }
        foreach (var fold in folds) (fold.Model as IDisposable)?.Dispose();
    }

    [Test]
    public void PermutationFeatureImportanceSinglesOutTheTwoFeaturesOfTheTarget()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2(600, seed: 82));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2(300, seed: 83));
        using var model = _ml.Regression.Trainers.TorchNetwork(Options()).Fit(train);

        var importance = _ml.Regression.PermutationFeatureImportance(model, test, permutationCount: 3);

        // One entry per feature slot. Shuffling x₁ or x₂ breaks y = x₁x₂: the scores keep their spread but no longer match,
        // so R² falls from near 1 to near −1. Shuffling any of the other four moves only what the network made of them.
        Assert.That(importance, Has.Length.EqualTo(TestData.Dimension));
        var drops = importance.Select(m => -m.RSquared.Mean).ToArray();
        TestContext.Progress.WriteLine("R² drop per shuffled feature: " + string.Join(", ", drops.Select(d => d.ToString("F3"))));
        Assert.That(drops[0], Is.GreaterThan(0.4), "x₁");
        Assert.That(drops[1], Is.GreaterThan(0.4), "x₂");
        Assert.That(drops.Skip(2).Max(), Is.LessThan(0.25 * Math.Min(drops[0], drops[1])), "x₃ … x₆ should matter far less");
    }
}
