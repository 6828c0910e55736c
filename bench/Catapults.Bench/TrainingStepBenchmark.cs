using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Bench;

/// <summary>
/// Issue 2: milliseconds per SGD step of the paper's 2-layer, width-1024 NTK network on d = 100, and (issue 20) the
/// same steps in PyTorch on the same weights and data. Only the steps are timed: from the first step's start to the
/// last step's end of each run, so the trainer's full-loss pass at the end of a run is outside the figure. Both sides
/// first run untimed for <see cref="Measure.SteadyStateWarmUp"/>, so the figure is the steady state (tiered JIT done).
/// </summary>
public sealed class TrainingStepBenchmark : IBenchmark
{
    public string Name => "training-step";
    public string Description => "ms per SGD step, 2-layer width-1024 NTK ReLU network, d = 100, n = 2000, batch 5 / 50 / 2000 (median of runs), with the PyTorch peer";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => ["5", "50", "2000"];

    public int Run(bool quick, string? only)
    {
        int[] batchSizes = { 5, 50, 2000 };
        int stepsPerRun = quick ? 20 : 200;
        int runs = quick ? 3 : 7;
        var warmUp = Measure.WarmUpFor(quick);
        var (train, test) = SyntheticTask.Rank2(100).CreateSplits(2000, 10, seed: 0);
        using (train)
        using (test)
        {
            Console.WriteLine($"# {PythonPeer.Description}");
            Console.WriteLine("# ms/step: median over runs of (time from the first step's start to the last step's end) / steps; " +
                              "peer: torch.optim.SGD on the same initial weights and data, one thread; ratio = library / peer");
            Console.WriteLine("# cpu: CPU ms of the working thread per step (both sides one thread; insensitive to other processes on a shared machine)");
            Console.WriteLine($"# both sides warm up untimed for {warmUp.TotalSeconds:G} s first; warm-up: the library's untimed runs; jit: methods the JIT compiled during the timed runs");
            Console.WriteLine($"{"batch",6} {"ms/step (median)",18} {"steps/run",10} {"runs",5} {"peer ms/step",13} {"ratio",6} {"cpu ms",9} {"peer cpu",9} {"ratio",6} {"warm-up",8} {"jit",5}");
            foreach (int b in batchSizes)
            {
                if (only is not null && only != b.ToString(CultureInfo.InvariantCulture)) continue;
                using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 100, HiddenWidths = new[] { 1024 } });
                var peer = RunPeer(net, train, b, stepsPerRun, runs, warmUp);
                var options = new TrainingOptions { LearningRate = 0.1, BatchSize = b, MaxSteps = 0 };
                using var trainer = new Trainer(net, options);
                var timer = new RunTimer(stepsPerRun);
                void OneRun()
                {
                    trainer.Options = options with { MaxSteps = trainer.Step + stepsPerRun };
                    trainer.Run(train, new ITrainingObserver[] { timer });
                }
                int warmUpRuns = Measure.WarmUp(OneRun, warmUp);
                long jitBefore = Measure.JitCompiledMethods();
                var perRun = new List<double>();
                var cpuPerRun = new List<double>();
                for (int run = 0; run < runs; run++)
                {
                    OneRun();
                    perRun.Add(timer.Milliseconds / stepsPerRun);
                    cpuPerRun.Add(timer.CpuMilliseconds / stepsPerRun);
                }
                long jit = Measure.JitCompiledMethods() - jitBefore;
                double ms = Median(perRun), cpu = Median(cpuPerRun);
                double? peerMs = peer?.Wall, peerCpu = peer?.Cpu;
                Console.WriteLine($"{b,6} {ms,18:F3} {stepsPerRun,10} {runs,5} {Text(peerMs),13} {PythonPeer.Ratio(ms, peerMs),6} {cpu,9:F3} {Text(peerCpu),9} {PythonPeer.Ratio(cpu, peerCpu),6} {warmUpRuns,8} {jit,5}");
            }
        }
        return 0;
    }

    private static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);

    private static string Text(double? value) => value is double v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";

    /// <summary>The peer's wall and CPU ms per step on <paramref name="net"/>'s initial weights, or null.</summary>
    private static (double Wall, double Cpu)? RunPeer(FullyConnectedNetwork net, TensorDataset train, int b, int steps, int runs, TimeSpan warmUp)
    {
        if (!PythonPeer.Available) return null;
        using var exchange = new PeerExchange();
        exchange.WriteNetwork(net);
        exchange.Write("x", train.Features);
        exchange.Write("y", train.Targets);
        var peer = PythonPeer.Run("training_step.py", exchange.Directory, "--batch", b.ToString(CultureInfo.InvariantCulture),
            "--steps", steps.ToString(CultureInfo.InvariantCulture), "--runs", runs.ToString(CultureInfo.InvariantCulture), "--lr", "0.1",
            "--warmup-seconds", warmUp.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        return peer is { } p ? (p.GetProperty("ms_per_step").GetDouble(), p.GetProperty("cpu_ms_per_step").GetDouble()) : null;
    }

    /// <summary>Times one run's steps: from the first step's start to the last completed step, nothing after (wall and the working thread's CPU).</summary>
    private sealed class RunTimer(int steps) : ITrainingObserver
    {
        private long _first, _last;
        private double _cpuFirst, _cpuLast;
        private int _completed;

        public double Milliseconds => Stopwatch.GetElapsedTime(_first, _last).TotalMilliseconds;

        public double CpuMilliseconds => _cpuLast - _cpuFirst;

        public void OnTrainingStarted(TrainingContext context) => (_first, _completed) = (0, 0);

        public void OnBeforeStep(StepContext step)
        {
            if (_first != 0) return;
            _cpuFirst = Measure.CpuMilliseconds();
            _first = Stopwatch.GetTimestamp();
        }

        // Only the run's last step reads the CPU clock, so the per-step overhead of the timer is one counter.
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (++_completed < steps) return;
            _last = Stopwatch.GetTimestamp();
            _cpuLast = Measure.CpuMilliseconds();
        }
    }
}
