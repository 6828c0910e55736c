using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Bench;

/// <summary>
/// Issue 2: milliseconds per SGD step of the paper's 2-layer, width-1024 NTK network on d = 100, and (issue 20) the
/// same steps in PyTorch on the same weights and data. Only the steps are timed: from the first step's start to the
/// last step's end of each run, so the trainer's full-loss pass at the end of a run is outside the figure.
/// </summary>
public sealed class TrainingStepBenchmark : IBenchmark
{
    public string Name => "training-step";
    public string Description => "ms per SGD step, 2-layer width-1024 NTK ReLU network, d = 100, n = 2000, batch 5 / 50 / 2000 (median of runs), with the PyTorch peer";

    public int Run(bool quick, string? only)
    {
        int[] batchSizes = { 5, 50, 2000 };
        int stepsPerRun = quick ? 20 : 200;
        int runs = quick ? 3 : 7;
        var (train, test) = SyntheticTask.Rank2(100).CreateSplits(2000, 10, seed: 0);
        using (train)
        using (test)
        {
            Console.WriteLine($"# {PythonPeer.Description}");
            Console.WriteLine("# ms/step: median over runs of (time from the first step's start to the last step's end) / steps; " +
                              "peer: torch.optim.SGD on the same initial weights and data, one thread; ratio = library / peer");
            Console.WriteLine($"{"batch",6} {"ms/step (median)",18} {"steps/run",10} {"runs",5} {"peer ms/step",13} {"ratio",6}");
            foreach (int b in batchSizes)
            {
                if (only is not null && only != b.ToString(CultureInfo.InvariantCulture)) continue;
                using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 100, HiddenWidths = new[] { 1024 } });
                double? peer = RunPeer(net, train, b, stepsPerRun, runs);
                var options = new TrainingOptions { LearningRate = 0.1, BatchSize = b, MaxSteps = 0 };
                using var trainer = new Trainer(net, options);
                var timer = new RunTimer();
                var perRun = new List<double>();
                for (int run = 0; run <= runs; run++)
                {
                    trainer.Options = options with { MaxSteps = trainer.Step + stepsPerRun };
                    trainer.Run(train, new ITrainingObserver[] { timer });
                    if (run > 0) perRun.Add(timer.Milliseconds / stepsPerRun); // the first run warms up
                }
                perRun.Sort();
                double ms = perRun[perRun.Count / 2];
                Console.WriteLine($"{b,6} {ms,18:F3} {stepsPerRun,10} {runs,5} {(peer is double p ? p.ToString("F3", CultureInfo.InvariantCulture) : "-"),13} {PythonPeer.Ratio(ms, peer),6}");
            }
        }
        return 0;
    }

    /// <summary>The peer's ms per step on <paramref name="net"/>'s initial weights, or null.</summary>
    private static double? RunPeer(FullyConnectedNetwork net, TensorDataset train, int b, int steps, int runs)
    {
        if (!PythonPeer.Available) return null;
        using var exchange = new PeerExchange();
        exchange.WriteNetwork(net);
        exchange.Write("x", train.Features);
        exchange.Write("y", train.Targets);
        var peer = PythonPeer.Run("training_step.py", exchange.Directory, "--batch", b.ToString(CultureInfo.InvariantCulture),
            "--steps", steps.ToString(CultureInfo.InvariantCulture), "--runs", runs.ToString(CultureInfo.InvariantCulture), "--lr", "0.1");
        return peer?.GetProperty("ms_per_step").GetDouble();
    }

    /// <summary>Times one run's steps: from the first step's start to the last completed step, nothing after.</summary>
    private sealed class RunTimer : ITrainingObserver
    {
        private long _first, _last;

        public double Milliseconds => Stopwatch.GetElapsedTime(_first, _last).TotalMilliseconds;

        public void OnTrainingStarted(TrainingContext context) => _first = 0;

        public void OnBeforeStep(StepContext step)
        {
            if (_first == 0) _first = Stopwatch.GetTimestamp();
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context) => _last = Stopwatch.GetTimestamp();
    }
}
