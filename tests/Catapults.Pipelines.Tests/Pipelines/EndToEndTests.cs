using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Pipelines;

public class EndToEndTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void Rank2RegressionPipelineLearnsAndEvaluates()
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(512, seed: 21));
        var test = _ml.Data.LoadFromEnumerable(TestData.Rank2Split(256, seed: 22));
        var options = new TorchNetworkRegressionTrainer.Options
        {
            Network = new() { Width = 256 }, Training = new() { LearningRate = 0.5, BatchSize = 32, MaxEpochs = 40, ShuffleSeed = 1 }, Seed = 1,
        };
        var pipeline = _ml.Transforms.Concatenate("Features", "A", "B")
            .Append(_ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(_ml.Regression.Trainers.TorchNetwork(options));
        using var model = pipeline.Fit(train);

        var metrics = _ml.Regression.Evaluate(model.Transform(test));
        // f* = x₁x₂ has variance 1, so a model that learnt nothing has R² ≈ 0 and MSE ≈ 1.
        Assert.That(metrics.RSquared, Is.GreaterThan(0.5), $"test R² {metrics.RSquared}, MSE {metrics.MeanSquaredError}");

        // Evaluate's MSE against an independent computation from the Score and Label columns.
        var scored = model.Transform(test);
        var scores = TestData.Column(scored, "Score").Select(v => v[0]).ToArray();
        var labels = TestData.Column(scored, "Label").Select(v => v[0]).ToArray();
        double mse = scores.Zip(labels, (s, y) => (s - y) * (s - y)).Average();
        Assert.That(metrics.MeanSquaredError, Is.EqualTo(mse).Within(1e-9 + 1e-9 * mse));

        // The engine's final full training loss is 1/n Σ (f − y)², the same quantity as ML.NET's training MSE.
        var report = model.LastTransformer.Report;
        var trainMetrics = _ml.Regression.Evaluate(model.Transform(train));
        Assert.That(report.Result.FinalTrainingLoss!.Value, Is.EqualTo(trainMetrics.MeanSquaredError).Within(1e-4 * trainMetrics.MeanSquaredError));
        Assert.That(report.Steps, Has.Count.EqualTo(40 * (512 / 32)));
        Assert.That(report.Result.Outcome, Is.EqualTo(Catapults.ML.Training.TrainingOutcome.BudgetReached));
    }

    [TestCase(ClassificationLoss.MeanSquaredError)]
    [TestCase(ClassificationLoss.CrossEntropy)]
    public void BinaryPipelineClassifiesAndEvaluates(ClassificationLoss loss)
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Binary(512, seed: 31));
        var test = _ml.Data.LoadFromEnumerable(TestData.Binary(256, seed: 32));
        var options = new TorchNetworkBinaryTrainer.Options
        {
            Network = new() { Width = 64 }, Seed = 2, Loss = loss,
            // Cross-entropy gradients are smaller than those of the squared loss on ±1 targets.
            Training = new() { BatchSize = 32, MaxEpochs = 10, ShuffleSeed = 2, LearningRate = loss == ClassificationLoss.CrossEntropy ? 1.0 : 0.2 },
        };
        var pipeline = _ml.Transforms.NormalizeMeanVariance("Features").Append(_ml.BinaryClassification.Trainers.TorchNetwork(options));
        using var model = pipeline.Fit(train);
        var scored = model.Transform(test);

        var metrics = _ml.BinaryClassification.Evaluate(scored);
        Assert.That(metrics.Accuracy, Is.GreaterThan(0.9));
        Assert.That(metrics.AreaUnderRocCurve, Is.GreaterThan(0.95));

        var scores = TestData.Column(scored, "Score").Select(v => v[0]).ToArray();
        var probabilities = TestData.Column(scored, "Probability").Select(v => v[0]).ToArray();
        var predicted = TestData.Column(scored, "PredictedLabel").Select(v => v[0]).ToArray();
        var labels = TestData.Column(scored, "Label").Select(v => v[0]).ToArray();
        Assert.That(metrics.Accuracy, Is.EqualTo(predicted.Zip(labels, (p, y) => p == y ? 1.0 : 0.0).Average()).Within(1e-12));
        for (int i = 0; i < scores.Length; i++)
        {
            double expected = loss == ClassificationLoss.CrossEntropy
                ? 1 / (1 + Math.Exp(-scores[i]))
                : Math.Clamp((1 + scores[i]) / 2, 0, 1);
            Assert.That(probabilities[i], Is.EqualTo(expected).Within(1e-6), $"probability of row {i}");
            Assert.That(predicted[i], Is.EqualTo(scores[i] > 0 ? 1 : 0), $"predicted label of row {i}");
        }
    }

    [TestCase(ClassificationLoss.MeanSquaredError)]
    [TestCase(ClassificationLoss.CrossEntropy)]
    public void MulticlassPipelineClassifiesEvaluatesAndMapsKeysBack(ClassificationLoss loss)
    {
        var train = _ml.Data.LoadFromEnumerable(TestData.Classes(600, seed: 41));
        var testRows = TestData.Classes(300, seed: 42);
        var test = _ml.Data.LoadFromEnumerable(testRows);
        var options = new TorchNetworkMulticlassTrainer.Options
        {
            Network = new() { Width = 64 }, Training = new() { LearningRate = 0.2, BatchSize = 32, MaxEpochs = 15, ShuffleSeed = 3 }, Seed = 3, Loss = loss,
        };
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(_ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(_ml.MulticlassClassification.Trainers.TorchNetwork(options))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedLabelText", "PredictedLabel"));
        using var model = pipeline.Fit(train);
        var scored = model.Transform(test);

        var metrics = _ml.MulticlassClassification.Evaluate(scored);
        Assert.That(metrics.MicroAccuracy, Is.GreaterThan(0.85));
        var predicted = TestData.Column(scored, "PredictedLabel").Select(v => v[0]).ToArray();
        var labels = TestData.Column(scored, "Label").Select(v => v[0]).ToArray();
        Assert.That(metrics.MicroAccuracy, Is.EqualTo(predicted.Zip(labels, (p, y) => p == y ? 1.0 : 0.0).Average()).Within(1e-12));

        // Score is a probability vector whose arg-max is the predicted key.
        foreach (var (score, key) in TestData.Column(scored, "Score").Zip(predicted))
        {
            Assert.That(score.Sum(), Is.EqualTo(1).Within(1e-5));
            Assert.That(score.Min(), Is.GreaterThanOrEqualTo(0));
            Assert.That(Array.IndexOf(score, score.Max()) + 1, Is.EqualTo((int)key));
        }

        // The key values travel: slot names on Score, text labels back through MapKeyToValue and a PredictionEngine.
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        var network = (TorchNetworkMulticlassTransformer)model.ElementAt(2);
        Assert.That(slotNames.DenseValues().Select(s => s.ToString()), Is.EqualTo(network.ClassNames));
        Assert.That(network.ClassNames, Is.EquivalentTo(TestData.ClassNames));
        var texts = scored.GetColumn<string>("PredictedLabelText").ToArray();
        int agree = texts.Zip(testRows, (p, r) => p == r.Label ? 1 : 0).Sum();
        Assert.That(agree / (double)testRows.Count, Is.EqualTo(metrics.MicroAccuracy).Within(1e-12));
        var engine = _ml.Model.CreatePredictionEngine<ClassRow, MulticlassNamedPredictionText>(model, new PredictionEngineOptions { OwnsTransformer = false });
        Assert.That(engine.Predict(testRows[0]).PredictedLabelText, Is.EqualTo(texts[0]));
    }

    [Test]
    public void DataFrameTrainsAPipelineAndReportsAreDataFrames()
    {
        var rows = TestData.Rank2(256, seed: 51);
        var frame = new DataFrame(Enumerable.Range(0, TestData.Dimension)
            .Select(j => (DataFrameColumn)new SingleDataFrameColumn($"x{j}", rows.Select(r => r.Features[j])))
            .Append(new SingleDataFrameColumn("Label", rows.Select(r => r.Label))));
        var options = new TorchNetworkRegressionTrainer.Options { Network = new() { Width = 32 }, Training = new() { BatchSize = 64, MaxEpochs = 3, LearningRate = 0.1 } };
        var pipeline = _ml.Transforms.Concatenate("Features", Enumerable.Range(0, TestData.Dimension).Select(j => $"x{j}").ToArray())
            .Append(_ml.Regression.Trainers.TorchNetwork(options));
        using var model = pipeline.Fit(frame);

        // The predictions come back as a DataFrame too (all rows: ToDataFrame defaults to 100).
        var predictions = model.Transform(frame).ToDataFrame(-1);
        Assert.That(predictions.Rows.Count, Is.EqualTo(256));
        Assert.That(predictions.Columns["Score"].DataType, Is.EqualTo(typeof(float)));

        var report = model.LastTransformer.Report;
        var steps = report.StepsToDataFrame();
        Assert.That(steps.Rows.Count, Is.EqualTo(3 * 4));
        Assert.That(steps.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Step", "Epoch", "LearningRate", "BatchLoss", "BatchSize", "FullTrainingLoss" }));
        Assert.That(((PrimitiveDataFrameColumn<int>)steps["Step"]).ToArray(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (int?)i).ToArray()));
        Assert.That(((PrimitiveDataFrameColumn<double>)steps["BatchLoss"]).ToArray(), Is.EqualTo(report.Steps.Select(s => (double?)s.BatchLoss).ToArray()));
        var summary = report.SummaryToDataFrame();
        Assert.That(summary.Rows.Count, Is.EqualTo(1));
        Assert.That(summary["Steps"][0], Is.EqualTo(12));
        Assert.That(summary["TrainingRowCount"][0], Is.EqualTo(256));
        Assert.That(report.AllTables().Keys, Is.EquivalentTo(new[] { "summary", "steps" }));
    }

    [Test]
    public void ShuffledCursorsPredictRowByRowAndAgreeWithBlocks()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(200, seed: 61));
        using var model = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
        {
            Network = new() { Width = 16 }, Training = new() { MaxEpochs = 1, BatchSize = 50 },
        }).Fit(data);
        // A cursor with a random source visits rows in shuffled order; such cursors predict row by row.
        var inOrder = model.Transform(_ml.Data.Cache(data));
        Assert.That(inOrder.CanShuffle, Is.True, "a cached view can shuffle");
        var byLabel = TestData.Column(inOrder, "Label").Zip(TestData.Column(inOrder, "Score"), (l, s) => (l[0], s[0])).ToDictionary(p => p.Item1, p => p.Item2);
        var pairs = new List<(double Label, double Score)>();
        using (var cursor = inOrder.GetRowCursor(new[] { inOrder.Schema["Label"], inOrder.Schema["Score"] }, new Random(5)))
        {
            var label = cursor.GetGetter<float>(inOrder.Schema["Label"]);
            var score = cursor.GetGetter<float>(inOrder.Schema["Score"]);
            float l = 0, sc = 0;
            while (cursor.MoveNext())
            {
                label(ref l);
                score(ref sc);
                pairs.Add((l, sc));
            }
        }
        Assert.That(pairs.Select(p => p.Label), Is.Not.EqualTo(byLabel.Keys), "the rows were shuffled");
        Assert.That(pairs, Has.Count.EqualTo(200));
        foreach (var (label, score) in pairs)
            Assert.That(score, Is.EqualTo(byLabel[label]).Within(1e-5));
    }
}

public sealed class MulticlassNamedPredictionText
{
    public string PredictedLabelText { get; set; } = "";
}
