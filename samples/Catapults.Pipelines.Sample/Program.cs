// A network trained inside an ML.NET pipeline on the rank-2 task y = x₁x₂, evaluated by ML.NET's own evaluator,
// with its training history as a DataFrame, saved, loaded and exported for PyTorch.
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 0);
var train = ml.Data.LoadFromEnumerable(Rank2.Sample(1000, seed: 1));
var test = ml.Data.LoadFromEnumerable(Rank2.Sample(500, seed: 2));

var pipeline = ml.Transforms.Concatenate("Features", "X")
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
    {
        HiddenWidths = new[] { 512 },   // a two-layer network in the NTK parameterisation
        LearningRate = 0.5,
        BatchSize = 32,
        NumberOfEpochs = 30,
        Seed = 7,
    }));
var model = pipeline.Fit(train);

var metrics = ml.Regression.Evaluate(model.Transform(test));
Console.WriteLine($"Test MSE {metrics.MeanSquaredError:F4}, R² {metrics.RSquared:F3}");

TrainingReport report = model.LastTransformer.Report;
Console.WriteLine(report);
Console.WriteLine(report.StepsToDataFrame().Tail(5));

string path = Path.Combine(Path.GetTempPath(), "rank2-model.zip");
ml.Model.SaveCatapultsModel(model, train.Schema, path);          // mlContext.Model.Save cannot hold the network
var loaded = ml.Model.LoadCatapultsModel(path, out _);
var engine = ml.Model.CreatePredictionEngine<Rank2, Prediction>(loaded);
var x = Rank2.Sample(1, seed: 3)[0];
Console.WriteLine($"f*(x) = {x.Label:F3}, network: {engine.Predict(x).Score:F3}  (loaded from {path})");

model.LastTransformer.ExportWeights(Path.ChangeExtension(path, ".safetensors"));  // for safetensors.torch.load_file

public sealed class Rank2
{
    [VectorType(20)] public float[] X { get; set; } = Array.Empty<float>();
    public float Label { get; set; }

    public static List<Rank2> Sample(int n, int seed)
    {
        var rng = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = Enumerable.Range(0, 20).Select(_ => Normal()).ToArray();
            return new Rank2 { X = x, Label = x[0] * x[1] };
        }).ToList();
    }
}

public sealed class Prediction
{
    public float Score { get; set; }
}
