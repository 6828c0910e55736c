// Compiled into the outside apps that PackageConsumerTests builds from the packed packages, not into the tests.
// Prints one line per check, KEY value..., which the tests parse.
using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

public static class OurTraining
{
    /// <summary>The engine alone: a small FCN fitted by SGD on the rank-2 task; prints the loss before and after.</summary>
    public static void Engine()
    {
        var (train, test) = SyntheticTask.Rank2(10).CreateSplits(256, 128, seed: 0);
        using var _ = train;
        using var __ = test;
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 10, HiddenWidths = new[] { 128 }, Seed = 1 });
        double before = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
        var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.5, BatchSize = 32, MaxEpochs = 40, ShuffleSeed = 2 });
        double after = Losses.Evaluate(net, train, LossKind.MeanSquaredError);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ENGINE {result.Outcome} {before:R} {after:R}"));
    }

    /// <summary>The ML.NET face with every trainer default: a regression on a standardised linear-plus-product target.</summary>
    public static void Pipeline()
    {
        var ml = new MLContext(seed: 0);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var x = Enumerable.Range(0, 5).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            return new Row { X = x, Label = x[0] - 0.5f * x[1] + x[2] * x[3] };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 4);
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X))
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.Regression.Trainers.TorchNetwork())
            .Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PIPELINE {metrics.RSquared:R}"));
    }

    public sealed class Row
    {
        [VectorType(5)] public float[] X { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }
}
