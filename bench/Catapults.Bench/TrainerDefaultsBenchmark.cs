using System.Diagnostics;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Bench;

/// <summary>
/// Issue 15: the evidence behind the ML.NET trainers' defaults (TorchNetworkDefaults). Held-out R² of the regression
/// trainer on standardised tabular tasks over a grid of learning rate, epochs and width (three seeds each), the
/// classifiers' accuracy at the chosen defaults, and the wall time of one default fit at 1, 2 and libtorch's threads.
/// </summary>
public sealed class TrainerDefaultsBenchmark : IBenchmark
{
    private const int Dimension = 20;

    public string Name => "trainer-defaults";
    public string Description => "ML.NET trainers: held-out R²/accuracy over learning rate × epochs × width on standardised d = 20 tasks (n = 1000/500), and fit time per thread count";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => ["grid", "defaults", "threads"];

    public int Run(bool quick, string? only)
    {
        var ml = new MLContext(seed: 0);
        long[] seeds = quick ? new long[] { 0 } : new long[] { 0, 1, 2 };
        if (only is null or "grid") Grid(ml, seeds, quick);
        if (only is null or "defaults") AtDefaults(ml, seeds);
        if (only is null or "threads") Threads(ml, quick);
        return 0;
    }

    private static void Grid(MLContext ml, long[] seeds, bool quick)
    {
        double[] rates = quick ? new[] { 0.1, 1.0 } : new[] { 0.1, 0.25, 0.5, 0.75, 1.0 };
        int[] epochs = quick ? new[] { 10 } : new[] { 10, 30, 60 };
        int[] widths = quick ? new[] { 256 } : new[] { 256, 1024 };
        Console.WriteLine($"{"task",-8} {"width",6} {"lr",5} {"epochs",6} {"R² mean",8} {"R² min",8} {"s/fit",6}");
        foreach (var task in new[] { Task.Rank2, Task.Linear })
        {
            var data = Enumerable.Range(0, seeds.Length).Select(i => Split(ml, task, 100 + i)).ToList();
            foreach (int width in widths)
                foreach (double lr in rates)
                    foreach (int e in epochs)
                    {
                        var r2 = new List<double>();
                        var watch = Stopwatch.StartNew();
                        for (int i = 0; i < seeds.Length; i++)
                            r2.Add(RSquared(ml, data[i], new TorchNetworkRegressionTrainer.Options
                            {
                                Network = new() { Width = width }, Seed = seeds[i], Threads = 1,
                                Training = TorchNetworkDefaults.Training with { LearningRate = lr, MaxEpochs = e, ShuffleSeed = seeds[i] },
                            }));
                        double perFit = watch.Elapsed.TotalSeconds / seeds.Length;
                        Console.WriteLine($"{task,-8} {width,6} {lr,5} {e,6} {Stat(r2.Average()),8} {Stat(r2.Min()),8} {perFit,6:F1}");
                    }
        }
    }

    /// <summary>Every trainer with every default (the catalog's one-argument overloads).</summary>
    private static void AtDefaults(MLContext ml, long[] seeds)
    {
        Console.WriteLine("every default:");
        foreach (var task in new[] { Task.Rank2, Task.Linear })
        {
            var r2 = seeds.Select(s => RSquared(ml, Split(ml, task, 100 + (int)s), new TorchNetworkRegressionTrainer.Options { Seed = s })).ToList();
            Console.WriteLine($"  regression {task}: R² mean {r2.Average():F3}, min {r2.Min():F3}");
        }
        Console.WriteLine($"  binary sign(x₁x₂): accuracy {Accuracies(seeds, s => Binary(ml, s, new TorchNetworkBinaryTrainer.Options { Seed = s }))}");
        Console.WriteLine($"  multiclass quadrant(x₁, x₂): accuracy {Accuracies(seeds, s => Multiclass(ml, s, new TorchNetworkMulticlassTrainer.Options { Seed = s }))}");
        Console.WriteLine("classifiers, width 256, 60 epochs, by learning rate (and the previous defaults):");
        foreach (var (width, lr, epochs) in new[] { (1024, 0.1, 10), (256, 0.1, 60), (256, 0.25, 60), (256, 0.5, 60), (256, 0.75, 60) })
        {
            string binary = Accuracies(seeds, s => Binary(ml, s, new TorchNetworkBinaryTrainer.Options { Seed = s, Network = new() { Width = width }, Training = TorchNetworkDefaults.Training with { LearningRate = lr, MaxEpochs = epochs, ShuffleSeed = s } }));
            string multi = Accuracies(seeds, s => Multiclass(ml, s, new TorchNetworkMulticlassTrainer.Options { Seed = s, Network = new() { Width = width }, Training = TorchNetworkDefaults.Training with { LearningRate = lr, MaxEpochs = epochs, ShuffleSeed = s } }));
            Console.WriteLine($"  width {width,4} lr {lr,4} epochs {epochs,2}: binary {binary}; multiclass {multi}");
        }
    }

    private static string Accuracies(long[] seeds, Func<long, double> accuracy)
    {
        var values = seeds.Select(accuracy).ToList();
        return $"mean {values.Average():F3}, min {values.Min():F3}";
    }

    private static double Binary(MLContext ml, long seed, TorchNetworkBinaryTrainer.Options options)
    {
        var split = Split(ml, Task.Rank2, 200 + (int)seed);
        options.LabelColumnName = nameof(BinaryLabel.Positive);
        try
        {
            var model = Features(ml).Append(ml.Transforms.CustomMapping<Row, BinaryLabel>((r, b) => b.Positive = r.Label > 0, null))
                .Append(ml.BinaryClassification.Trainers.TorchNetwork(options)).Fit(split.TrainSet);
            return ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(split.TestSet), labelColumnName: nameof(BinaryLabel.Positive)).Accuracy;
        }
        catch (TrainingDivergedException)
        {
            return double.NaN;
        }
    }

    private static double Multiclass(MLContext ml, long seed, TorchNetworkMulticlassTrainer.Options options)
    {
        var split = Split(ml, Task.Rank2, 300 + (int)seed);
        options.LabelColumnName = "Key";
        try
        {
            var model = Features(ml).Append(ml.Transforms.CustomMapping<Row, ClassLabel>((r, c) => c.Class = Quadrant(r.X), null))
                .Append(ml.Transforms.Conversion.MapValueToKey("Key", nameof(ClassLabel.Class)))
                .Append(ml.MulticlassClassification.Trainers.TorchNetwork(options)).Fit(split.TrainSet);
            return ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet), labelColumnName: "Key").MicroAccuracy;
        }
        catch (TrainingDivergedException)
        {
            return double.NaN;
        }
    }

    private static void Threads(MLContext ml, bool quick)
    {
        int n = quick ? 1000 : 4000;
        var split = Split(ml, Task.Rank2, 400, n);
        Console.WriteLine($"fit time with every other default, rank-2 d = {Dimension}, n = {n} (Environment.ProcessorCount = {Environment.ProcessorCount}):");
        foreach (int? threads in new int?[] { Environment.ProcessorCount, 1, 2, Environment.ProcessorCount, 1 })
        {
            var watch = Stopwatch.StartNew();
            double r2 = RSquared(ml, split, new TorchNetworkRegressionTrainer.Options { Threads = threads });
            Console.WriteLine($"  threads {threads,2}: {watch.Elapsed.TotalSeconds,6:F1} s (R² {r2:F3})");
        }
    }

    private static double RSquared(MLContext ml, (IDataView TrainSet, IDataView TestSet) split, TorchNetworkRegressionTrainer.Options options)
    {
        try
        {
            var model = Features(ml).Append(ml.Regression.Trainers.TorchNetwork(options)).Fit(split.TrainSet);
            return ml.Regression.Evaluate(model.Transform(split.TestSet)).RSquared;
        }
        catch (TrainingDivergedException)
        {
            return double.NaN;
        }
    }

    private static EstimatorChain<Microsoft.ML.Transforms.NormalizingTransformer> Features(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(Row.X)).Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false));

    private static string Stat(double v) => double.IsNaN(v) ? "diverged" : v.ToString("F3");

    private enum Task { Rank2, Linear }

    /// <summary>Gaussian inputs with unequal scales (standardisation matters), 1000 training and 500 test rows.</summary>
    private static (IDataView TrainSet, IDataView TestSet) Split(MLContext ml, Task task, int seed, int trainCount = 1000)
    {
        var rng = new Random(seed);
        var w = Enumerable.Range(0, Dimension).Select(_ => Normal(rng) / Math.Sqrt(Dimension)).ToArray();
        var scales = Enumerable.Range(0, Dimension).Select(i => 0.1f + 5f * i / Dimension).ToArray();
        Row Draw()
        {
            var z = Enumerable.Range(0, Dimension).Select(_ => Normal(rng)).ToArray();
            float y = task == Task.Rank2 ? (float)(z[0] * z[1]) : (float)z.Select((v, i) => v * w[i]).Sum();
            return new Row { X = z.Select((v, i) => (float)v * scales[i] + 3f).ToArray(), Label = y };
        }
        var train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, trainCount).Select(_ => Draw()).ToList());
        var test = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 500).Select(_ => Draw()).ToList());
        return (train, test);
    }

    private static uint Quadrant(float[] x) => (x[0] > 3f ? 1u : 0u) + (x[1] > 3f ? 2u : 0u);

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public sealed class Row
    {
        [VectorType(Dimension)] public float[] X { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    public sealed class BinaryLabel
    {
        public bool Positive { get; set; }
    }

    public sealed class ClassLabel
    {
        public uint Class { get; set; }
    }
}
