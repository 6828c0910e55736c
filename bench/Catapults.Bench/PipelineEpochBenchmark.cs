using System.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.Bench;

/// <summary>
/// Issue 15: seconds to fit one epoch of 1000 CIFAR-shaped images (3×32×32, 10 classes, MSE on one-hot targets, batch
/// 32, SGD) through the ML.NET multiclass trainer against the engine's <see cref="Trainer.Train"/> on the same tensors,
/// per architecture at its default size, on one libtorch thread; the faster of two alternating runs of each. The ML.NET time includes reading the IDataView into
/// tensors, which is part of what a pipeline pays.
/// </summary>
public sealed class PipelineEpochBenchmark : IBenchmark
{
    private static readonly string[] Architectures = { "fcn", "cnn", "wrn-16-4", "vit-4" };
    private const int Classes = 10;

    public string Name => "pipeline-epoch";

    public string Description =>
        "one epoch of 1000 CIFAR-shaped images through the ML.NET multiclass trainer vs the engine's Trainer.Train on the same tensors " +
        "(fcn, cnn, wrn-16-4, vit-4 at default sizes, batch 32, one libtorch thread); --only NAME; --quick: 128 images";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => Architectures;

    public int Run(bool quick, string? only)
    {
        TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
        int n = quick ? 128 : 1000;
        var rows = Rows(n, seed: 0);
        var ml = new MLContext(seed: 0);
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, 32, 32);
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var training = TorchNetworkDefaults.Training with { LearningRate = 1e-3, BatchSize = 32, MaxEpochs = 1, ShuffleSeed = 1 };

        // Warm both paths up (JIT, libtorch kernels) on a small FCN before timing.
        Fit(ml, ml.Data.TakeRows(view, 64), new NetworkDescription { Architecture = "fcn", Width = 16 }, training);
        Console.WriteLine($"{"architecture",-12} {"parameters",11} {"images",7} {"engine s",9} {"ML.NET s",9} {"ratio",6}");
        foreach (var name in Architectures)
        {
            if (only is not null && only != name) continue;
            var network = new NetworkDescription { Architecture = name };
            // Alternating runs, the fastest of each kept: other jobs on a shared machine only ever add time.
            double engine = double.MaxValue, pipeline = double.MaxValue;
            long parameters = 0;
            for (int run = 0; run < (quick ? 1 : 2); run++)
            {
                engine = Math.Min(engine, EngineEpoch(rows, network, training, out parameters));
                pipeline = Math.Min(pipeline, Fit(ml, view, network, training));
            }
            Console.WriteLine($"{name,-12} {parameters,11} {n,7} {engine,9:F2} {pipeline,9:F2} {pipeline / engine,6:F2}");
        }
        return 0;
    }

    private static double EngineEpoch(List<ImageRow> rows, NetworkDescription network, TrainingOptions training, out long parameters)
    {
        using var data = Tensors(rows);
        using var model = network.Build(new long[] { 3, 32, 32 }, Classes, seed: 0);
        parameters = model.TrainableParameterCount();
        var clock = Stopwatch.StartNew();
        Trainer.Train(model, data, training);
        return clock.Elapsed.TotalSeconds;
    }

    private static double Fit(MLContext ml, IDataView view, NetworkDescription network, TrainingOptions training)
    {
        var options = new TorchNetworkMulticlassTrainer.Options { Network = network, Training = training, ThrowOnDivergence = false };
        var clock = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.TorchNetwork(options).Fit(view);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The rows as the engine's tensors: flat features [n, 3072] and one-hot targets [n, 10], as the trainer reads them.</summary>
    private static TensorDataset Tensors(List<ImageRow> rows)
    {
        var x = torch.tensor(rows.SelectMany(r => r.Features).ToArray(), new long[] { rows.Count, 3072 });
        var y = torch.nn.functional.one_hot(torch.tensor(rows.Select(r => (long)r.Label).ToArray()), Classes).to_type(torch.ScalarType.Float32);
        return new TensorDataset(x, y, "CIFAR-shaped");
    }

    private static List<ImageRow> Rows(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => new ImageRow
        {
            Features = Enumerable.Range(0, 3072).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
            Label = (uint)(i % Classes),
        }).ToList();
    }

    /// <summary>A CIFAR-shaped row; the 0-based class becomes key Label + 1 in the view.</summary>
    public sealed class ImageRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        [KeyType(Classes)] public uint Label { get; set; }
    }
}
