using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
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

    public string Name => "architectures";

    public string Description =>
        "ms per SGD step (batch 32 / 128) and top-5 NTK eigen-solve time on 256 inputs, for fcn, cnn, wrn-16-4 and vit-4 " +
        "at their default sizes on CIFAR-shaped random data; --only NAME or NAME:BATCH";

    public int Run(bool quick, string? only)
    {
        int runs = quick ? 1 : 3;
        using var data = RandomCifarShaped(SampleCount, seed: 0);
        Console.WriteLine($"{"architecture",-12} {"parameters",11} {"batch",6} {"ms/step (median)",17} {"steps/run",10} {"runs",5}  {"top-5 NTK eigen-solve, 256 inputs",-34}");
        foreach (var name in Architectures)
        {
            if (only is not null && only != name && !only.StartsWith(name + ":", StringComparison.Ordinal)) continue;
            using var model = ModelFactory.Create(name, new ModelSettings());
            string eigenSolve = TopFiveNtkEigenSolve(model, data.Features);
            foreach (int batch in BatchSizes)
            {
                if (only is not null && only.Contains(':') && only != $"{name}:{batch}") continue;
                // Heavier models get fewer steps per run so that the whole table stays within minutes on 2 cores.
                int stepsPerRun = quick ? 1 : model.TrainableParameterCount() > 1_000_000 ? 2 : 5;
                double ms = MillisecondsPerStep(model, data, batch, stepsPerRun, runs);
                Console.WriteLine($"{name,-12} {model.TrainableParameterCount(),11} {batch,6} {ms,17:F1} {stepsPerRun,10} {runs,5}  {eigenSolve,-34}");
            }
            Console.WriteLine($"# {name}: {model.Describe()}");
        }
        return 0;
    }

    private static double MillisecondsPerStep(NetworkModule model, TensorDataset data, int batch, int stepsPerRun, int runs)
    {
        var options = new TrainingOptions { LearningRate = 1e-3, BatchSize = batch, MaxSteps = 0, ShuffleSeed = 1 };
        using var trainer = new Trainer(model, options);
        return Measure.MedianMilliseconds(() =>
        {
            options.MaxSteps = trainer.Step + stepsPerRun;
            trainer.Run(data);
        }, runs) / stepsPerRun;
    }

    /// <summary>
    /// THE PLACE FOR THE NTK FIGURE (issue 3 lands the matrix-free NTK operator and the Lanczos solver): time the
    /// top-5 eigenpairs of the NTK of <paramref name="model"/> on <paramref name="inputs"/> (256 samples, an
    /// (256·O)×(256·O) operator) and return the milliseconds as text. Until that operator exists this reports that
    /// it is pending rather than a number.
    /// </summary>
    private static string TopFiveNtkEigenSolve(NetworkModule model, Tensor inputs)
    {
        _ = model;
        _ = inputs;
        return "pending NTK operator";
    }

    private static TensorDataset RandomCifarShaped(int n, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        var x = torch.randn(new long[] { n, 3, 32, 32 }, generator: g);
        var y = torch.randn(new long[] { n, 10 }, generator: g);
        return new TensorDataset(x, y, "random CIFAR-shaped");
    }
}
