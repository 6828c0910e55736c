using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>Found by mutation testing (5 Dec 2026), a fault no test saw: maximumAgopRows caps the rows the AGOP alignment reads at exactly that many.</summary>
public sealed class AgopRowLimitTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void TheAlignmentReadsExactlyMaximumAgopRowsRows()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(64, seed: 21));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(40, seed: 22));
        var model = Fit(train);
        try
        {
            var reference = ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension));
            Assert.That(_ml.Regression.EvaluateWithAlignment(model, test, reference, maximumAgopRows: 10).AgopRowCount, Is.EqualTo(10));
            Assert.That(_ml.Regression.EvaluateWithAlignment(model, test, reference).AgopRowCount, Is.EqualTo(40), "null: every row");
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    [Test]
    public void TheAgopFeatureEstimatorFitsOnMaximumRowsRowsOnly()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(64, seed: 21));
        var model = Fit(train);
        try
        {
            var features = _ml.Transforms.Concatenate("Features", "A", "B").Fit(train).Transform(train);
            using var capped = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = model.LastTransformer, MaximumRows = 10 }).Fit(features);
            using var firstTen = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = model.LastTransformer }).Fit(_ml.Data.TakeRows(features, 10));
            using var all = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = model.LastTransformer }).Fit(features);
            Assert.That(capped.Eigenvalues, Is.EqualTo(firstTen.Eigenvalues).Within(1e-9), "the map of the first 10 rows");
            Assert.That(capped.Eigenvalues, Is.Not.EqualTo(all.Eigenvalues), "not of all 64");
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    // A small regression network, two steps trained: the row caps, not the fit, are under test.
    private TransformerChain<TorchNetworkRegressionTransformer> Fit(IDataView train) =>
        _ml.Transforms.Concatenate("Features", "A", "B")
            .Append(_ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
            {
                Network = new() { Width = 16 }, Seed = 1, Training = new() { BatchSize = 16, LearningRate = 0.01, MaxSteps = 2, ShuffleSeed = 1 },
            }))
            .Fit(train);
}
