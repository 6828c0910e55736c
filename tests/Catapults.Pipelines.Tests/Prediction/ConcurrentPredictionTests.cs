using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// A fitted pipeline serving several threads at once, as a web app's PredictionEnginePool does (one engine per thread
/// over one shared model), and as ML.NET reads a view through a cursor set: every answer equals the one-thread answer.
/// Engines that share a model must not own it: ML.NET's default engine disposes its model with itself.
/// </summary>
public class ConcurrentPredictionTests
{
    private const int Threads = 4;
    private readonly MLContext _ml = new(seed: 3);

    [Test]
    public void EnginesOnSeveralThreadsOverOneModelAgreeWithOneThread()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(300, seed: 71));
        var network = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
        {
            Network = new() { Width = 64 }, Training = new() { MaxEpochs = 2, BatchSize = 30, ShuffleSeed = 1 }, Seed = 1,
        });
        // Both of our transformers: a network's AGOP features, and a second network's score.
        using var model = _ml.Transforms.AgopFeatures(network, rank: 2).Append(network).Fit(data);
        var rows = TestData.Rank2(200, seed: 72);

        var alone = Predict(model, rows);
        var problems = new string?[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                // Each thread repeats the rows so that the threads' calls overlap for a while; every repeat is checked.
                for (int repeat = 0; repeat < 5 && problems[t] is null; repeat++)
                {
                    var answers = Predict(model, rows);
                    int i = Enumerable.Range(0, rows.Count).FirstOrDefault(r => answers[r].Score != alone[r].Score || !answers[r].Agop.SequenceEqual(alone[r].Agop), -1);
                    if (i >= 0)
                        problems[t] = $"thread {t}, repeat {repeat}, row {i}: score {answers[i].Score} and AGOP features [{string.Join(", ", answers[i].Agop)}], " +
                                      $"one thread alone: {alone[i].Score} and [{string.Join(", ", alone[i].Agop)}]";
                }
            }
            catch (Exception ex)
            {
                problems[t] = $"thread {t}: {ex}";
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(problems.Where(p => p is not null), Is.Empty);
    }

    [Test]
    public void AnEngineThatOwnsTheModelDisposesItAndTheNextPredictionSaysHowToShareIt()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(100, seed: 74));
        var model = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
        {
            Network = new() { Width = 16 }, Training = new() { MaxEpochs = 1, BatchSize = 20 }, Seed = 3,
        }).Fit(data);
        var row = TestData.Rank2(1, seed: 75)[0];
        using (var owning = _ml.Model.CreatePredictionEngine<RegressionRow, RegressionPrediction>(model))
            Assert.That(float.IsFinite(owning.Predict(row).Score));

        using var next = _ml.Model.CreatePredictionEngine<RegressionRow, RegressionPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var error = Assert.Throws<ObjectDisposedException>(() => next.Predict(row))!;
        Assert.That(error.Message, Is.EqualTo(TorchNetworkModelParameters.DisposedMessage));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void CursorSetReadInParallelGivesTheRowsOfOneCursor()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(400, seed: 73));
        using var model = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
        {
            Network = new() { Width = 32 }, Training = new() { MaxEpochs = 1, BatchSize = 40 }, Seed = 2,
        }).Fit(data);
        var scored = model.Transform(data);
        var columns = new[] { scored.Schema["Label"], scored.Schema["Score"] };
        var expected = TestData.Column(scored, "Label").Zip(TestData.Column(scored, "Score"), (l, s) => (l[0], s[0])).ToList();

        var cursors = scored.GetRowCursorSet(columns, Threads);
        var seen = new List<(double Label, double Score)>[cursors.Length];
        Parallel.For(0, cursors.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
        {
            seen[c] = new();
            using var cursor = cursors[c];
            var label = cursor.GetGetter<float>(columns[0]);
            var score = cursor.GetGetter<float>(columns[1]);
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                label(ref l);
                score(ref s);
                seen[c].Add((l, s));
            }
        });
        Assert.That(seen.SelectMany(s => s).OrderBy(p => p.Label), Is.EqualTo(expected.OrderBy(p => p.Item1)));
    }

    private List<(float Score, float[] Agop)> Predict(ITransformer model, List<RegressionRow> rows)
    {
        using var engine = _ml.Model.CreatePredictionEngine<RegressionRow, ScoreAndAgop>(model, new PredictionEngineOptions { OwnsTransformer = false });
        return rows.Select(r => engine.Predict(r)).Select(p => (p.Score, p.AgopFeatures.ToArray())).ToList();
    }

    private sealed class ScoreAndAgop
    {
        public float Score { get; set; }

        [VectorType(2)] public float[] AgopFeatures { get; set; } = Array.Empty<float>();
    }
}
