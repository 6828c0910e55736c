using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// A base for tests that read a trained regression network's predictions: one tiny model (<see cref="Tiny"/>) fitted
/// once per fixture on <see cref="Tiny.Rows"/> rank-2 rows, and disposed after the fixture.
/// </summary>
public abstract class TinyRegressionModelTests
{
    /// <summary>The context the model was fitted in (seed 1).</summary>
    protected MLContext Ml { get; } = new(seed: 1);

    /// <summary>The rows the model was fitted on.</summary>
    protected IDataView TrainingData { get; private set; } = null!;

    /// <summary>The fitted transformer.</summary>
    protected TorchNetworkRegressionTransformer Model { get; private set; } = null!;

    [OneTimeSetUp]
    public void FitTinyModel()
    {
        TrainingData = Ml.Data.LoadFromEnumerable(TestData.Rank2(Tiny.Rows, seed: 5));
        Model = Ml.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options())).Fit(TrainingData);
    }

    [OneTimeTearDown]
    public void DisposeTinyModel() => Model.Dispose();
}
