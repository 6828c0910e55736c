using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Bench;

/// <summary>
/// Issue 20: an ensemble of M = 8 members of the paper's 2-layer, width-1024 NTK network (d = 100, n = 2000) trained at
/// b = 5 as one batched model, against the same 8 runs one after another with the engine's <see cref="Trainer"/>. Each
/// member has its own seed, rate and batch order. Ensemble and sequential runs are timed as pairs back to back, and the
/// figure is the median over pairs of the throughput per member, ensemble / single = (Σ single-run times) / ensemble time,
/// in wall time and in the CPU time of the working thread (one libtorch thread; on a shared machine the CPU time leaves out
/// the time other processes held the cores). Each side's time includes collecting the garbage it made. Untimed pairs
/// run first for <see cref="Measure.SteadyStateWarmUp"/>, so both sides are timed in the steady state (tiered JIT done).
/// </summary>
public sealed class EnsembleBenchmark : IBenchmark
{
    private const int Members = 8;
    private const int BatchSize = 5;

    public string Name => "ensemble-step";
    public string Description => "SGD steps per second per member: an ensemble of 8 width-1024 networks at b = 5 against 8 sequential single runs (pairs back to back)";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => [];

    public int Run(bool quick, string? only)
    {
        int steps = quick ? 20 : 200;
        int pairs = quick ? 2 : 5;
        var (train, test) = SyntheticTask.Rank2(100).CreateSplits(2000, 10, seed: 0);
        using (train)
        using (test)
        {
            var network = new NetworkDescription { Architecture = "fcn-2", Width = 1024 };
            var members = Enumerable.Range(0, Members).Select(i => new EnsembleMember(network,
                new TrainingOptions { LearningRate = 0.05 + 0.01 * i, BatchSize = BatchSize, ShuffleSeed = i, MaxSteps = steps }, Seed: i)).ToArray();
            long[] shape = { 100 };
            // Sources without a dataset: both sides time the steps only, with no final full-loss pass.
            IBatchSource Source(EnsembleMember m) => new StepsOnly(new EpochBatchSource(train, BatchSize, m.Training.ShuffleSeed));

            var warmUp = Measure.WarmUpFor(quick);
            Console.WriteLine($"# {Members} members, fcn-2 width 1024, d = 100, b = {BatchSize}, {steps} steps each, distinct seeds, rates and batch orders; {pairs} pairs after {warmUp.TotalSeconds:G} s of untimed pairs");
            Console.WriteLine("# ratio = (8 sequential single runs' time) / (ensemble time) = throughput per member, ensemble / single; cpu: the same from thread CPU time; " +
                              "each side's time includes a collection of the garbage it made, from a collected heap");
            Console.WriteLine($"{"pair",5} {"ensemble s",11} {"8 singles s",12} {"ms/step/member ens",19} {"ms/step single",15} {"ratio",6} {"cpu ratio",10} {"max rel. loss diff",19}");
            var ratios = new List<double>();
            var cpuRatios = new List<double>();
            int warmUpPairs = Measure.WarmUp(() => RunPair(), warmUp);
            long jitBefore = Measure.JitCompiledMethods();
            for (int pair = 1; pair <= pairs; pair++)
            {
                var (ensembleSeconds, ensembleCpu, singleSeconds, singleCpu, worst) = RunPair();
                double ratio = singleSeconds / ensembleSeconds, cpuRatio = singleCpu / ensembleCpu;
                ratios.Add(ratio);
                cpuRatios.Add(cpuRatio);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{pair,5} {ensembleSeconds,11:F3} {singleSeconds,12:F3} {1000 * ensembleSeconds / (steps * Members),19:F3} {1000 * singleSeconds / (steps * Members),15:F3} {ratio,6:F2} {cpuRatio,10:F2} {worst,19:E1}"));
            }
            long jit = Measure.JitCompiledMethods() - jitBefore;
            double median = ratios.OrderBy(r => r).ElementAt(ratios.Count / 2);
            double cpuMedian = cpuRatios.OrderBy(r => r).ElementAt(cpuRatios.Count / 2);
            Console.WriteLine($"# warm-up: {warmUpPairs} untimed pairs; the JIT compiled {jit} methods during the timed pairs");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median ratio (throughput per member, ensemble / single): {median:F2}× wall, {cpuMedian:F2}× CPU  (target ≥ 4×)"));

            // One ensemble run of the 8 members, then the same 8 runs one after another: times, CPU times, and the largest
            // relative difference between the ensemble's batch losses and the single runs'.
            (double EnsembleSeconds, double EnsembleCpu, double SingleSeconds, double SingleCpu, double Worst) RunPair()
            {
                CollectUntimed();
                double cpu = Measure.CpuMilliseconds();
                var clock = Stopwatch.StartNew();
                IReadOnlyList<EnsembleMemberResult> ensembleResults;
                using (var ensemble = new FullyConnectedEnsemble(members, shape, 1))
                    ensembleResults = new EnsembleTrainer(ensemble).Run(members.Select(Source).ToList());
                GC.Collect();
                double ensembleSeconds = clock.Elapsed.TotalSeconds;
                double ensembleCpu = Measure.CpuMilliseconds() - cpu;

                double singleSeconds = 0, singleCpu = 0, worst = 0;
                CollectUntimed();
                for (int i = 0; i < Members; i++)
                {
                    var log = new StepLog(steps);
                    cpu = Measure.CpuMilliseconds();
                    clock.Restart();
                    using (var model = members[i].BuildSingle(shape, 1))
                    using (var trainer = new Trainer(model, members[i].Training))
                        trainer.Run(Source(members[i]), new ITrainingObserver[] { log });
                    singleSeconds += clock.Elapsed.TotalSeconds;
                    singleCpu += Measure.CpuMilliseconds() - cpu;
                    var a = ensembleResults[i].BatchLosses;
                    for (int t = 0; t < a.Count; t++)
                        worst = Math.Max(worst, Math.Abs(a[t] - log.Steps[t].BatchLoss) / Math.Abs(log.Steps[t].BatchLoss));
                }
                cpu = Measure.CpuMilliseconds();
                clock.Restart();
                GC.Collect();
                singleSeconds += clock.Elapsed.TotalSeconds;
                singleCpu += Measure.CpuMilliseconds() - cpu;
                return (ensembleSeconds, ensembleCpu, singleSeconds, singleCpu, worst);
            }
        }
        return 0;
    }

    // Each side pays for collecting its own garbage: the heap is collected before it starts, untimed, and what it left is
    // collected within its time. Otherwise the one collection every few pairs (each TorchSharp tensor wrapper costs
    // about 0.3 µs there, 100–200 ms at once) fell on whichever run crossed the budget: the fifth pair's ensemble.
    private static void CollectUntimed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The batches of another source without its dataset, so neither trainer adds a full-loss pass.</summary>
    private sealed class StepsOnly(IBatchSource inner) : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => inner.BatchSize;
        public Batch BatchAt(int step) => inner.BatchAt(step);
        public Batch BatchesAt(int step, int count) => inner.BatchesAt(step, count);
    }
}
