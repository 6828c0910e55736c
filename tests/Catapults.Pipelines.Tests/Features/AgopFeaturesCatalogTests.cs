using Catapults.ML.Features;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Features;

/// <summary>
/// The one-line AgopFeatures overloads: rank null gives the d-feature matrix power, rank r the r-feature projection, the
/// output column is "AgopFeatures" and the trainer overload reads "Features" unless told. Found by mutation testing (round 25A).
/// </summary>
public sealed class AgopFeaturesCatalogTests
{
    private readonly MLContext _ml = new(seed: 1);

    private IDataView Data() => _ml.Data.LoadFromEnumerable(TestData.Rank2(48, seed: 61));

    [Test]
    public void WithoutARankTheNetworkOverloadGivesTheMatrixPowerInTheAgopFeaturesColumn()
    {
        var data = Data();
        using var network = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options())).Fit(data);
        using var features = _ml.Transforms.AgopFeatures(network).Fit(data);
        Assert.That((features.Kind, features.OutputDimension), Is.EqualTo((AgopFeatureMapKind.MatrixPower, TestData.Dimension)));
        Assert.That(features.OutputColumnName, Is.EqualTo("AgopFeatures"));
        Assert.That(features.Transform(data).Schema.GetColumnOrNull("AgopFeatures"), Is.Not.Null);
    }

    [Test]
    public void ARankGivesTheTopRankProjection()
    {
        var data = Data();
        using var network = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options())).Fit(data);
        using var features = _ml.Transforms.AgopFeatures(network, rank: 2).Fit(data);
        Assert.That((features.Kind, features.OutputDimension), Is.EqualTo((AgopFeatureMapKind.TopEigenvectors, 2)));
    }

    // The trainer overload fits its own network; its map reads the "Features" column by default and the named one otherwise.
    [Test]
    public void TheTrainerOverloadReadsFeaturesByDefaultAndHonoursItsArguments()
    {
        var data = Data();
        var trainer = _ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options()));
        using var byDefault = _ml.Transforms.AgopFeatures(trainer).Fit(data);
        Assert.That((byDefault.InputColumnName, byDefault.OutputColumnName, byDefault.Kind, byDefault.OutputDimension),
            Is.EqualTo(("Features", "AgopFeatures", AgopFeatureMapKind.MatrixPower, TestData.Dimension)));

        var renamed = _ml.Transforms.CopyColumns("X", "Features").Fit(data).Transform(data);
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.FeatureColumnName = "X";
        using var named = _ml.Transforms.AgopFeatures(_ml.Regression.Trainers.TorchNetwork(options), "Learned", "X", rank: 3).Fit(renamed);
        Assert.That((named.InputColumnName, named.OutputColumnName, named.Kind, named.OutputDimension),
            Is.EqualTo(("X", "Learned", AgopFeatureMapKind.TopEigenvectors, 3)));
    }

    // The network overload reads the network's own feature column unless told another (mutant 35A-M56 read "Features",
    // which here is a column of the same width that the network was not trained on).
    [Test]
    public void TheNetworkOverloadReadsTheNetworksFeatureColumnByDefault()
    {
        var data = Data();
        var renamed = _ml.Transforms.CopyColumns("X", "Features").Fit(data).Transform(data);
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.FeatureColumnName = "X";
        using var network = _ml.Regression.Trainers.TorchNetwork(options).Fit(renamed);
        using var features = _ml.Transforms.AgopFeatures(network).Fit(renamed);
        Assert.That(features.InputColumnName, Is.EqualTo("X"));
    }
}
