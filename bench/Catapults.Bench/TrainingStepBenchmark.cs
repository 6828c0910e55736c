using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Bench;

/// <summary>Issue 2: milliseconds per SGD step of the paper's 2-layer, width-1024 NTK network on d = 100.</summary>
public sealed class TrainingStepBenchmark : IBenchmark
{
    public string Name => "training-step";
    public string Description => "ms per SGD step, 2-layer width-1024 NTK ReLU network, d = 100, n = 2000, batch 5 / 50 / 2000 (median of runs)";

    public int Run(bool quick, string? only)
    {
        int[] batchSizes = { 5, 50, 2000 };
        int stepsPerRun = quick ? 20 : 200;
        int runs = quick ? 3 : 7;
        var (train, test) = SyntheticTask.Rank2(100).CreateSplits(2000, 10, seed: 0);
        using (train)
        using (test)
        {
            Console.WriteLine($"{"batch",6} {"ms/step (median)",18} {"steps/run",10} {"runs",5}");
            foreach (int b in batchSizes)
            {
                if (only is not null && only != b.ToString()) continue;
                using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 100, HiddenWidths = new[] { 1024 } });
                var options = new TrainingOptions { LearningRate = 0.1, BatchSize = b, MaxSteps = 0 };
                using var trainer = new Trainer(net, options);
                double ms = Measure.MedianMilliseconds(() =>
                {
                    trainer.Options = options with { MaxSteps = trainer.Step + stepsPerRun };
                    trainer.Run(train);
                }, runs) / stepsPerRun;
                Console.WriteLine($"{b,6} {ms,18:F3} {stepsPerRun,10} {runs,5}");
            }
        }
        return 0;
    }
}
