using Catapults.ML.Features;
using Catapults.ML.Tests.Support;
using Catapults.ML.Data;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Pipelines;

public sealed class WideRow
{
    public const int Dimension = 20;
    [VectorType(Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public float Label { get; set; }

    /// <summary>
    /// f*(x) = (uᵀx)(vᵀx) on x ~ N(0, I₂₀), with u = (1, …, 1)/√20 and v = (1, −1, 1, −1, …)/√20: a rank-2 target whose
    /// two directions are spread over every feature, so axis-aligned trees find no single feature to split on.
    /// </summary>
    public static List<WideRow> RotatedRank2(int n, int seed)
    {
        var rng = new Random(seed);
        double scale = 1 / Math.Sqrt(Dimension);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = TestData.Gaussian(rng, Dimension);
            double ux = 0, vx = 0;
            for (int j = 0; j < Dimension; j++)
            {
                ux += scale * x[j];
                vx += scale * (j % 2 == 0 ? x[j] : -x[j]);
            }
            return new WideRow { Features = x, Label = (float)(ux * vx) };
        }).ToList();
    }
}

public class AlignmentEndToEndTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static double[,] Diagonal(int d, params double[] leading)
    {
        var g = new double[d, d];
        for (int i = 0; i < leading.Length; i++) g[i, i] = leading[i];
        return g;
    }

    [Test]
    public void Rank2PipelineEvaluatesWithAlignmentAboveTheInitialNetworks()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(512, seed: 21));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(256, seed: 22));
        TorchNetworkRegressionTrainer.Options Options(bool trained) => new()
        {
            Network = new() { Width = 128 }, Seed = 1,
            Training = new() { BatchSize = 32, LearningRate = trained ? 0.5 : 1e-12, MaxEpochs = trained ? 20 : null, MaxSteps = trained ? null : 1, ShuffleSeed = 1 },
            Diagnostics = new TrainingDiagnosticsOptions { Enabled = true, Every = 16, ProbeSize = 64, TopEigenvalueCount = 1 },
        };
        EstimatorChain<Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer> Pipeline(bool trained) => _ml.Transforms.Concatenate("Features", "A", "B")
            .Append(_ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(_ml.Regression.Trainers.TorchNetwork(Options(trained)));
        var model = Pipeline(trained: true).Fit(train);
        var initial = Pipeline(trained: false).Fit(train);

        var plain = _ml.Regression.Evaluate(model.Transform(test));
        // G* of f*(x) = x₁x₂: from the function itself on the rows evaluated, and in closed form diag(1, 1, 0, …).
        var metrics = _ml.Regression.EvaluateWithAlignment(model, test, ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension)));
        var closedForm = _ml.Regression.EvaluateWithAlignment(model, test, ReferenceAgop.OfMatrix(Diagonal(TestData.Dimension, 1, 1)));
        var before = _ml.Regression.EvaluateWithAlignment(initial, test, ReferenceAgop.OfTarget(SyntheticTask.Rank2(TestData.Dimension)));
        TestContext.Progress.WriteLine($"R² {metrics.Metrics.RSquared:F3}, alignment {metrics.AgopAlignment:F3} (closed form {closedForm.AgopAlignment:F3}), initial {before.AgopAlignment:F3}, catapults {metrics.CatapultCount}");

        Assert.That(metrics.Metrics.MeanSquaredError, Is.EqualTo(plain.MeanSquaredError), "MSE is ML.NET's");
        Assert.That(metrics.Metrics.RSquared, Is.EqualTo(plain.RSquared));
        Assert.That(metrics.Metrics.RootMeanSquaredError, Is.EqualTo(plain.RootMeanSquaredError));
        Assert.That(metrics.Metrics.RSquared, Is.GreaterThan(0.5));
        Assert.That(metrics.AgopRowCount, Is.EqualTo(256));
        Assert.That(metrics.AgopAlignment, Is.GreaterThan(0.8).And.GreaterThan(before.AgopAlignment + 0.3), "trained vs initial alignment");
        // Normalised features are close to N(0, I), so the sampled G* is close to its closed form.
        Assert.That(closedForm.AgopAlignment, Is.EqualTo(metrics.AgopAlignment).Within(0.1));
        var rows = Assert.Throws<ArgumentException>(() => _ml.Regression.EvaluateWithAlignment(model, test, ReferenceAgop.OfMatrix(Diagonal(TestData.Dimension, 1, 1)), maximumAgopRows: 0));
        Assert.That(rows!.Message, Does.StartWith("maximumAgopRows must be at least 1 (or null for every row), got 0.").And.Not.Contain("\n"));
        var network = model.LastTransformer;
        Assert.That(metrics.CatapultCount, Is.Not.Null.And.EqualTo(network.Report.CatapultCount));
        Assert.That(network.Report.Diagnostics!.Rows.Count, Is.GreaterThan(1));
        model.LastTransformer.Dispose();
        initial.LastTransformer.Dispose();
    }

    [Test]
    public void ClassificationEvaluatorsAlignWithTheirTargetsDirections()
    {
        var binaryTrain = _ml.Data.LoadFromEnumerable(TestData.Binary(256, seed: 31));
        var binaryTest = _ml.Data.LoadFromEnumerable(TestData.Binary(128, seed: 32));
        using var binary = _ml.BinaryClassification.Trainers.TorchNetwork(new TorchNetworkBinaryTrainer.Options
            { Network = new() { Width = 64 }, Training = new() { BatchSize = 32, MaxEpochs = 10, LearningRate = 0.2, ShuffleSeed = 2 }, Seed = 2 }).Fit(binaryTrain);
        // Label = [wᵀx > 0] with w = (1, 1, −½, 0, 0, 0): the relevant subspace is span(w), G* ∝ w wᵀ.
        var w = new[] { 1.0, 1.0, -0.5, 0, 0, 0 };
        var wwT = new double[6, 6];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) wwT[i, j] = w[i] * w[j];
        var b = _ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfMatrix(wwT));
        var bPlain = _ml.BinaryClassification.Evaluate(binary.Transform(binaryTest));
        Assert.That(b.Metrics.Accuracy, Is.EqualTo(bPlain.Accuracy));
        Assert.That(b.Metrics.LogLoss, Is.EqualTo(bPlain.LogLoss));
        
        Assert.That(b.AgopAlignment, Is.GreaterThan(0.7), "binary alignment");
        Assert.That(b.CatapultCount, Is.Null, "trained without diagnostics");
        // A model is perfectly aligned with itself: the reference-model form computes the same AGOP on the same rows.
        var self = _ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfModel(binary.Model.Network));
        Assert.That(self.AgopAlignment, Is.EqualTo(1).Within(1e-9));
        TensorAssert.NoLeak(() => _ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfMatrix(wwT)),
            () => _ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfModel(binary.Model.Network)), "alignment evaluation");

        var raw = _ml.Data.LoadFromEnumerable(TestData.Classes(256, seed: 33));
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw);
        var classTrain = keyed.Transform(raw);
        var classTest = keyed.Transform(_ml.Data.LoadFromEnumerable(TestData.Classes(128, seed: 34)));
        using var multiclass = _ml.MulticlassClassification.Trainers.TorchNetwork(new TorchNetworkMulticlassTrainer.Options
            { Network = new() { Width = 64 }, Training = new() { BatchSize = 32, MaxEpochs = 10, LearningRate = 0.2, ShuffleSeed = 3 }, Seed = 3 }).Fit(classTrain);
        // Scores (x₁, x₂, −x₁−x₂) have summed gradient outer products [[2, 1], [1, 2]] on the first two features.
        var g = new double[6, 6];
        g[0, 0] = 2; g[1, 1] = 2; g[0, 1] = 1; g[1, 0] = 1;
        var m = _ml.MulticlassClassification.EvaluateWithAlignment(multiclass, classTest, ReferenceAgop.OfMatrix(g));
        var mPlain = _ml.MulticlassClassification.Evaluate(multiclass.Transform(classTest));
        TestContext.Progress.WriteLine($"binary acc {b.Metrics.Accuracy:F3} align {b.AgopAlignment:F3}; multiclass acc {m.Metrics.MicroAccuracy:F3} align {m.AgopAlignment:F3}");
        Assert.That(m.Metrics.MicroAccuracy, Is.EqualTo(mPlain.MicroAccuracy));
        Assert.That(m.Metrics.LogLoss, Is.EqualTo(mPlain.LogLoss));
        Assert.That(m.Metrics.ConfusionMatrix.Counts, Is.EqualTo(mPlain.ConfusionMatrix.Counts), "ML.NET's confusion matrix comes through");
        Assert.That(m.AgopAlignment, Is.GreaterThan(0.6), "multiclass alignment");

        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfMatrix(wwT)));
        Assert.That(ex!.Message, Does.Contain("BinaryClassification network"));
        ex = Assert.Throws<ArgumentException>(() => _ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfMatrix(new double[3, 3])));
        Assert.That(ex!.Message, Does.Contain("3×3").And.Contain("6 features"));
    }

    // A learner after the network replaces its Score: the metrics used to be that learner's, beside the network's alignment.
    [Test]
    public void AChainWithALearnerAfterTheNetworkIsEvaluatedAtTheNetwork()
    {
        var train = _ml.Data.LoadFromEnumerable(WideRow.RotatedRank2(300, seed: 61));
        var test = _ml.Data.LoadFromEnumerable(WideRow.RotatedRank2(200, seed: 62));
        using var network = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
            { Network = new() { Width = 32 }, Training = new() { BatchSize = 50, MaxEpochs = 5, LearningRate = 0.5, ShuffleSeed = 3 }, Seed = 3 }).Fit(train);
        var scoredTrain = network.Transform(train);
        var agop = _ml.Transforms.AgopFeatures(network, rank: 2).Fit(scoredTrain);
        var learner = _ml.Regression.Trainers.Sdca(featureColumnName: "AgopFeatures", maximumNumberOfIterations: 5).Fit(agop.Transform(scoredTrain));
        var chain = new TransformerChain<ITransformer>(network, agop, learner);
        var reference = ReferenceAgop.OfMatrix(Diagonal(WideRow.Dimension, 1, 1));

        var evaluated = _ml.Regression.EvaluateWithAlignment(chain, test, reference);
        var alone = _ml.Regression.EvaluateWithAlignment(network, test, reference);
        Assert.That(evaluated.Metrics.RSquared, Is.EqualTo(_ml.Regression.Evaluate(network.Transform(test)).RSquared), "the network's own metrics");
        Assert.That(_ml.Regression.Evaluate(chain.Transform(test)).RSquared, Is.Not.EqualTo(evaluated.Metrics.RSquared), "the learner after it scores otherwise");
        Assert.That(evaluated.AgopAlignment, Is.EqualTo(alone.AgopAlignment));
        Assert.That(evaluated.AgopRowCount, Is.EqualTo(200));
    }

    [Test]
    public void AgopFeaturesFeedFastTreeAndBeatItOnRawFeatures()
    {
        var train = _ml.Data.LoadFromEnumerable(WideRow.RotatedRank2(1000, seed: 51));
        var test = _ml.Data.LoadFromEnumerable(WideRow.RotatedRank2(500, seed: 52));
        var network = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
            { Network = new() { Width = 64 }, Training = new() { BatchSize = 50, MaxEpochs = 20, LearningRate = 0.5, ShuffleSeed = 4 }, Seed = 4 });
        var fastTree = _ml.Regression.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer.Options
            { NumberOfTrees = 50, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 5, FeatureColumnName = "AgopFeatures" });
        var agopPipeline = _ml.Transforms.AgopFeatures(network, rank: 2).Append(fastTree);
        var rawPipeline = _ml.Regression.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer.Options
            { NumberOfTrees = 50, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 5 });

        var agopModel = agopPipeline.Fit(train);
        var rawModel = rawPipeline.Fit(train);
        var withAgop = _ml.Regression.Evaluate(agopModel.Transform(test));
        var withRaw = _ml.Regression.Evaluate(rawModel.Transform(test));
        TestContext.Progress.WriteLine($"FastTree R²: top-2 AGOP features {withAgop.RSquared:F3}, raw 20 features {withRaw.RSquared:F3}");
        Assert.That(withAgop.RSquared, Is.GreaterThan(withRaw.RSquared + 0.1));
        Assert.That(withAgop.RSquared, Is.GreaterThan(0.6));
        foreach (var t in agopModel) (t as IDisposable)?.Dispose();
    }
}
