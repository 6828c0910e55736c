using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = Catapults.ML.Data.TensorDataset;

namespace Catapults.Bench;

/// <summary>
/// Issue 7: milliseconds per SGD step at batch 32 and 128 of each architecture at its default size (FCN 2-layer
/// width 1024, CNN-5, WRN-16-4, ViT-4) on CIFAR-shaped random data (3×32×32 inputs, 10 outputs, MSE), and the time
/// of a top-5 NTK eigen-solve on 256 inputs.
/// </summary>
public sealed class ArchitecturesBenchmark : IBenchmark
{
    private static readonly string[] Architectures = { "fcn", "cnn", "wrn-16-4", "vit-4" };
    private static readonly int[] BatchSizes = { 32, 128 };
    private const int SampleCount = 256;
    private const int Eigenpairs = 5;

    /// <summary>Memory the NTK's automatic method choice may plan for: 4 GiB, a share of a small shared machine.</summary>
    private const long NtkMemoryBudgetBytes = 4L << 30;

    /// <summary>Samples per forward graph when the whole-batch graph is estimated above half the budget.</summary>
    private const int NtkChunkSize = 64;

    public string Name => "architectures";

    public string Description =>
        "ms per SGD step (batch 32 / 128) and top-5 NTK eigen-solve time on 256 inputs, for fcn, cnn, wrn-16-4 and vit-4 " +
        "at their default sizes on CIFAR-shaped random data; --only NAME (both), NAME:BATCH (steps only), NAME:ntk (eigen-solve only) or NAME:ntk-product (ms per matrix-free " +
        "NTK product on the 256 inputs, for a model whose eigen-solve would take too long on a busy machine)";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => Architectures.SelectMany(a => new[] { a, a + ":ntk", a + ":ntk-product" }.Concat(BatchSizes.Select(b => $"{a}:{b}"))).ToArray();

    public int Run(bool quick, string? only)
    {
        int runs = quick ? 1 : 3;
        using var data = RandomCifarShaped(SampleCount, seed: 0);
        Console.WriteLine($"{"architecture",-12} {"parameters",11} {"batch",6} {"ms/step (median)",17} {"steps/run",10} {"runs",5}  load (1 min)");
        foreach (var name in Architectures)
        {
            if (only is not null && only != name && !only.StartsWith(name + ":", StringComparison.Ordinal)) continue;
            using var model = new NetworkDescription { Architecture = name }.Build(new long[] { 3, 32, 32 }, 10, 0);
            // The NTK first, at the initial weights: the timed SGD steps below change them.
            if (only is null || only == name || only == name + ":ntk")
            {
                string load = LoadAverage();
                string eigenSolve = TopFiveNtkEigenSolve(model, data.Features);
                Console.WriteLine($"{name,-12} top-5 NTK eigen-solve, 256 inputs: {eigenSolve}; load before {load}, after {LoadAverage()}");
            }
            foreach (int batch in BatchSizes)
            {
                if (only is not null && only.Contains(':') && only != $"{name}:{batch}") continue;
                // Heavier models get fewer steps per run so that the whole table stays within minutes on 2 cores.
                int stepsPerRun = quick ? 1 : model.TrainableParameterCount() > 1_000_000 ? 2 : 5;
                double ms = MillisecondsPerStep(model, data, batch, stepsPerRun, runs);
                Console.WriteLine($"{name,-12} {model.TrainableParameterCount(),11} {batch,6} {ms,17:F1} {stepsPerRun,10} {runs,5}  {LoadAverage()}");
            }
            if (only == name + ":ntk-product")
            {
                string load = LoadAverage();
                string product = NtkProduct(model, data.Features, runs);
                Console.WriteLine($"{name,-12} matrix-free NTK product K·v, 256 inputs: {product}; load before {load}, after {LoadAverage()}");
            }
            Console.WriteLine($"# {name}: {model.Describe()}");
        }
        return 0;
    }

    /// <summary>The 1-minute load average: other processes on a small machine change every figure here.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double MillisecondsPerStep(NetworkModule model, TensorDataset data, int batch, int stepsPerRun, int runs)
    {
        var options = new TrainingOptions { LearningRate = 1e-3, BatchSize = batch, MaxSteps = 0, ShuffleSeed = 1 };
        using var trainer = new Trainer(model, options);
        return Measure.MedianMilliseconds(() =>
        {
            trainer.Options = options with { MaxSteps = trainer.Step + stepsPerRun };
            trainer.Run(data);
        }, runs) / stepsPerRun;
    }

    /// <summary>
    /// Times the top-5 eigenpairs of the NTK of <paramref name="model"/> on <paramref name="inputs"/> (256 samples, an
    /// (256·O)×(256·O) operator) by the one Lanczos solver, with the method the automatic choice picks within
    /// <see cref="NtkMemoryBudgetBytes"/> (the explicit Jacobian of an image model at this size is far larger, so it is
    /// matrix-free) and the forward graph rebuilt <see cref="NtkChunkSize"/> samples at a time for models whose
    /// whole-batch graph would not fit beside other work on the machine. Returns the seconds, method, products and
    /// the RSS the solve added, as text.
    /// </summary>
    private static string TopFiveNtkEigenSolve(NetworkModule model, Tensor inputs)
    {
        long n = inputs.shape[0];
        var ntk = NtkOptionsFor(model, n);
        var method = NeuralTangentKernel.ChooseMethod(model, n, Eigenpairs, ntk);
        // float32 products: a tolerance near 1e-4 is what they support (LanczosOptions.Tolerance).
        var lanczos = new LanczosOptions { Tolerance = 1e-4, Seed = 0 };
        double rssBefore = Measure.PeakResidentMiB() ?? double.NaN;
        var clock = Stopwatch.StartNew();
        using var eig = NeuralTangentKernel.TopEigenpairs(model, inputs, Eigenpairs, ntk, lanczos);
        double seconds = clock.Elapsed.TotalSeconds;
        double rssAfter = Measure.PeakResidentMiB() ?? double.NaN;
        string chunk = ntk.ChunkSize is int c ? $" chunk {c}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{seconds:F1} s ({method}{chunk}, {eig.OperatorApplications} products, λ1 {eig.Values[0]:G3}, λ5 {eig.Values[^1]:G3}, " +
            $"max rel res {eig.MaxRelativeResidual:G2}{(eig.Converged ? "" : ", NOT converged")}, peak RSS +{rssAfter - rssBefore:F0} MiB)");
    }

    /// <summary>The NTK options of the eigen-solve: the memory budget, and a chunk size where the whole graph would not fit in half of it.</summary>
    private static NtkOptions NtkOptionsFor(NetworkModule model, long sampleCount)
    {
        var ntk = new NtkOptions { MemoryBudgetBytes = NtkMemoryBudgetBytes };
        var estimate = NeuralTangentKernel.EstimateCosts(model, sampleCount, Eigenpairs).First(c => c.Method == NtkMethod.MatrixFree);
        if (estimate.Bytes > NtkMemoryBudgetBytes / 2 && model is not FullyConnectedNetwork) ntk.ChunkSize = NtkChunkSize;
        return ntk;
    }

    /// <summary>
    /// Median milliseconds of one matrix-free product K·v (one VJP and one double-backward product over the inputs),
    /// with the eigen-solve's chunking, after one warm-up product; and the time to build the operator. An eigen-solve
    /// costs about (products) × this, where the other models' solves show the product count.
    /// </summary>
    private static string NtkProduct(NetworkModule model, Tensor inputs, int runs)
    {
        var ntk = NtkOptionsFor(model, inputs.shape[0]);
        var clock = Stopwatch.StartNew();
        using var op = new MatrixFreeNtkOperator(model, inputs, ntk.ChunkSize);
        double build = clock.Elapsed.TotalSeconds;
        using var g = Seeding.TorchGenerator(0, Seeding.Stream.Diagnostics);
        using var v = torch.randn(new[] { op.Dimension }, ScalarType.Float64, generator: g);
        double ms = Measure.MedianMilliseconds(() =>
        {
            using var kv = op.Apply(v);
        }, runs);
        string chunk = ntk.ChunkSize is int c ? $"chunk {c}" : "one graph";
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F1} s per product (median of {runs}, {chunk}; operator built in {build:F1} s)");
    }

    private static TensorDataset RandomCifarShaped(int n, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        var x = torch.randn(new long[] { n, 3, 32, 32 }, generator: g);
        var y = torch.randn(new long[] { n, 10 }, generator: g);
        return new TensorDataset(x, y, "random CIFAR-shaped");
    }
}
