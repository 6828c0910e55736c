using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>
/// What EvaluateWithAlignment evaluates: the last network of a chain, every row up to the default cap, the named label
/// column; checked against ML.NET's own evaluators on the same predictions. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class AlignmentEvaluationTargetTests
{
    private readonly MLContext _ml = new(seed: 1);

    private TorchNetworkRegressionTrainer Network(int seed, int steps) => _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
    {
        Network = new() { Width = 16 }, Seed = seed, Training = new() { BatchSize = 16, LearningRate = 0.05, MaxSteps = steps, ShuffleSeed = 1 },
    });

    // "a chain whose last network transformer is evaluated": its metrics are ML.NET's own on the chain's predictions
    // (mutant E2 evaluated the first network of the chain).
    [Test]
    public void AChainOfTwoNetworksIsEvaluatedAtItsLastNetwork()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(64, seed: 21));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(40, seed: 22));
        var model = _ml.Transforms.Concatenate("Features", "A", "B").Append(Network(seed: 1, steps: 1)).Append(Network(seed: 2, steps: 20)).Fit(train);
        try
        {
            var expected = _ml.Regression.Evaluate(model.Transform(test));
            var result = _ml.Regression.EvaluateWithAlignment(model, test, ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension)));
            Assert.That(result.Metrics.MeanSquaredError, Is.EqualTo(expected.MeanSquaredError).Within(1e-12));
            Assert.That(result.Metrics.RSquared, Is.EqualTo(expected.RSquared).Within(1e-12));
        }
        finally
        {
            foreach (var t in model) (t as IDisposable)?.Dispose();
        }
    }

    // maximumAgopRows defaults to 4096 (the signature's default): 1500 rows are all read (mutant E6 defaulted to 1024).
    [Test]
    public void TheDefaultRowCapIs4096()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(64, seed: 21));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(1500, seed: 23));
        var model = _ml.Transforms.Concatenate("Features", "A", "B").Append(Network(seed: 1, steps: 2)).Fit(train);
        try
        {
            var reference = ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension));
            Assert.That(_ml.Regression.EvaluateWithAlignment(model, test, reference).AgopRowCount, Is.EqualTo(1500));
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    // labelColumnName reaches ML.NET's binary evaluator (mutant E7 evaluated "Label" whatever was named).
    [Test]
    public void TheBinaryEvaluatorReadsTheNamedLabelColumn()
    {
        var train = TestData.WithLabelNamed(_ml, _ml.Data.LoadFromEnumerable(TestData.Binary(128, seed: 31)), "Target");
        var test = TestData.WithLabelNamed(_ml, _ml.Data.LoadFromEnumerable(TestData.Binary(64, seed: 32)), "Target");
        using var binary = _ml.BinaryClassification.Trainers.TorchNetwork(new TorchNetworkBinaryTrainer.Options
        {
            LabelColumnName = "Target", Network = new() { Width = 16 }, Seed = 2,
            Training = new() { BatchSize = 32, MaxEpochs = 2, LearningRate = 0.2, ShuffleSeed = 2 },
        }).Fit(train);
        var w = new double[TestData.Dimension, TestData.Dimension];
        w[0, 0] = 1;
        var result = _ml.BinaryClassification.EvaluateWithAlignment(binary, test, ReferenceAgop.OfMatrix(w), labelColumnName: "Target");
        var expected = _ml.BinaryClassification.Evaluate(binary.Transform(test), "Target");
        Assert.That(result.Metrics.Accuracy, Is.EqualTo(expected.Accuracy));
        Assert.That(result.Metrics.LogLoss, Is.EqualTo(expected.LogLoss));
    }

    // labelColumnName reaches ML.NET's multiclass evaluator too (mutant 19B-M37 evaluated "Label" whatever was named):
    // with no "Label" column left, that evaluation could not even find its label.
    [Test]
    public void TheMulticlassEvaluatorReadsTheNamedLabelColumn()
    {
        IDataView Prepare(IDataView view) => _ml.Transforms.Conversion.MapValueToKey("Class", "Label")
            .Append(_ml.Transforms.DropColumns("Label")).Fit(view).Transform(view);
        var train = Prepare(_ml.Data.LoadFromEnumerable(TestData.Classes(96, seed: 41)));
        var test = Prepare(_ml.Data.LoadFromEnumerable(TestData.Classes(48, seed: 42)));
        using var multiclass = _ml.MulticlassClassification.Trainers.TorchNetwork(new TorchNetworkMulticlassTrainer.Options
        {
            LabelColumnName = "Class", Network = new() { Width = 16 }, Seed = 3,
            Training = new() { BatchSize = 32, MaxEpochs = 2, LearningRate = 0.2, ShuffleSeed = 3 },
        }).Fit(train);
        var w = new double[TestData.Dimension, TestData.Dimension];
        w[0, 0] = 1;
        var result = _ml.MulticlassClassification.EvaluateWithAlignment(multiclass, test, ReferenceAgop.OfMatrix(w), labelColumnName: "Class");
        var expected = _ml.MulticlassClassification.Evaluate(multiclass.Transform(test), "Class");
        Assert.That(result.Metrics.MicroAccuracy, Is.EqualTo(expected.MicroAccuracy));
        Assert.That(result.Metrics.LogLoss, Is.EqualTo(expected.LogLoss));
    }

    // Each evaluator is for one task: a regression network handed to a classification evaluator is refused with both
    // kinds named (mutant 19B-M32 checked the kind for the regression evaluator only, and the binary one then scored
    // a regression Score against a Boolean label).
    [Test]
    public void TheClassificationEvaluatorsRefuseARegressionNetwork()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(32, seed: 24));
        var model = _ml.Transforms.Concatenate("Features", "A", "B").Append(Network(seed: 1, steps: 1)).Fit(data);
        try
        {
            var reference = ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension));
            var binary = Assert.Throws<ArgumentException>(() => _ml.BinaryClassification.EvaluateWithAlignment(model, data, reference));
            Assert.That(binary!.Message, Does.StartWith("The model's network is a Regression network; this evaluator is for BinaryClassification."));
            var multiclass = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.EvaluateWithAlignment(model, data, reference));
            Assert.That(multiclass!.Message, Does.StartWith("The model's network is a Regression network; this evaluator is for MulticlassClassification."));
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }

    // AlignmentMetrics.Reference is "the reference, in words", not the evaluated network's (mutant 19B-M50 described the
    // network there, and a report could not tell which G* the alignment was taken against).
    [Test]
    public void TheResultNamesItsReference()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(32, seed: 25));
        var model = _ml.Transforms.Concatenate("Features", "A", "B").Append(Network(seed: 1, steps: 1)).Fit(data);
        try
        {
            var result = _ml.Regression.EvaluateWithAlignment(model, data, ReferenceAgop.OfMatrix(new double[TestData.Dimension, TestData.Dimension]
                { { 1, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0 } }));
            Assert.That(result.Reference, Is.EqualTo($"a given {TestData.Dimension}×{TestData.Dimension} matrix"));
        }
        finally
        {
            model.LastTransformer.Dispose();
        }
    }
}
