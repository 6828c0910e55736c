using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// A trained network takes exactly the number of features it was trained on: a feature column of another width is
/// refused with a message naming both, narrower or wider (a wider one would otherwise be read in part).
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class PredictionFeatureWidthTests
{
    public sealed class WideRow
    {
        [VectorType(TestData.Dimension + 2)] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    public sealed class NarrowRow
    {
        [VectorType(TestData.Dimension - 2)] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    [Test]
    public void AFeatureColumnOfAnotherWidthIsRefused()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options()))
            .Fit(ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 5)));
        var wide = ml.Data.LoadFromEnumerable(new[] { new WideRow { Features = new float[TestData.Dimension + 2] } });
        var narrow = ml.Data.LoadFromEnumerable(new[] { new NarrowRow { Features = new float[TestData.Dimension - 2] } });
        Assert.Multiple(() =>
        {
            var ex = Assert.Throws<ArgumentException>(() => model.Transform(wide));
            Assert.That(ex!.Message, Does.Contain($"has {TestData.Dimension + 2} slots, but the network was trained on {TestData.Dimension} features"));
            ex = Assert.Throws<ArgumentException>(() => model.Transform(narrow));
            Assert.That(ex!.Message, Does.Contain($"has {TestData.Dimension - 2} slots, but the network was trained on {TestData.Dimension} features"));
        });
    }
}
