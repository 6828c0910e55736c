using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using Catapults.ML.Probes;

namespace Catapults.Bench;

/// <summary>
/// Issue 3: top-5 NTK eigenpairs of the paper's 2-layer, width-1024 NTK ReLU network (d = 100) by every applicable
/// path, and the per-step cost of η_crit of a batch against the training step. Every case runs in its own process
/// (so that its peak memory is its own); <c>--only CASE</c> runs one.
/// </summary>
public sealed class NtkEigenBenchmark : IBenchmark
{
    private const int D = 100, Width = 1024, Eigenpairs = 5;

    public string Name => "ntk-eigen";

    public string Description =>
        "top-5 NTK eigenpairs of a 2-layer width-1024 NTK ReLU net (d = 100) by explicit Jacobian / layer-wise / matrix-free " +
        "at n = 500, 2000, 8000 (time, peak RSS); per-step η_crit of batches 5-50 vs the training step";

    private static readonly Dictionary<string, NtkMethod> Paths = new()
    {
        ["explicit"] = NtkMethod.ExplicitJacobian,
        ["layerwise"] = NtkMethod.LayerWise,
        ["matrixfree"] = NtkMethod.MatrixFree,
    };

    public int Run(bool quick, string? only)
    {
        int[] sizes = quick ? new[] { 200, 500 } : new[] { 500, 2000, 8000 };
        // `--only N` runs the eigen table at one size (with its peers) and no per-step rows.
        bool oneSize = int.TryParse(only, NumberStyles.None, CultureInfo.InvariantCulture, out int size);
        if (oneSize)
        {
            if (SizeError(size) is string error)
            {
                Console.Error.WriteLine($"error: --only {only}: {error}.");
                return 2;
            }
            sizes = new[] { size };
            only = null;
        }
        int[] batches = { 5, 10, 20, 50 };
        var cases = new List<string>();
        foreach (int n in sizes)
            foreach (var path in Paths.Keys)
                cases.Add($"eig-{path}-{n}");
        foreach (int b in batches) cases.Add($"crit-{b}");

        if (only is not null)
        {
            if (CaseError(only) is string error)
            {
                Console.Error.WriteLine($"error: --only {only}: {error}. Cases: {string.Join(", ", cases)}, or eig-PATH-N and crit-B for other sizes.");
                return 2;
            }
            return RunCase(only, quick);
        }

        Console.WriteLine($"# {PythonPeer.Description}");
        Console.WriteLine($"# seconds: median of {Repeats(2000, quick)} solve(s) ({Repeats(8000, quick)} at n > 2000) after one untimed solve of the same size on both sides; peer: PyTorch Gram (same formula, float32) + " +
                          "scipy eigsh (ARPACK, float64 vectors), same weights and inputs, one thread, run once per size after the library's first case there; ratio = library / peer; " +
                          "ARPACK accepts a pair at residual ≤ tol·|θ_i|, the library at ≤ tol·|θ_1|: the peer solves at tol (stricter than the library below the top pair) " +
                          "and, in the note, at tol·λ1/λk (the library's test at the k-th pair, looser above it), which bracket like-for-like; " +
                          "cpu: CPU time of the working thread over the same solves (both sides one thread; insensitive to other processes on a shared machine); " +
                          "agree = max relative eigenvalue difference; mf/lw = median over pairs of a layer-wise then a matrix-free solve, " +
                          "back to back in the matrix-free case's process (3 pairs at n > 2000, else 5; 3 with --quick)");
        Console.WriteLine($"{"case",-22} {"path",-10} {"n",6} {"seconds",9} {"peak MiB",9} {"+MiB",8} {"products",8} {"λ1",10} {"λ5",10} {"max rel res",11}" +
                          $" {"peer s",8} {"peer prod",9} {"ratio",6} {"cpu s",7} {"peer cpu",8} {"ratio",6} {"agree",8} {"mf/lw",6}  note");
        var rows = new List<string[]>();
        var peers = new Dictionary<int, System.Text.Json.JsonElement?>();
        foreach (var name in cases.Where(c => c.StartsWith("eig-", StringComparison.Ordinal)))
        {
            var (n, path) = ParseEig(name);
            var skip = SkipReason(path, n);
            if (skip is not null)
            {
                Console.WriteLine($"{name,-22} {path,-10} {n,6} {"-",9} {"-",9} {"-",8} {"-",8} {"-",10} {"-",10} {"-",11} {"",8} {"",9} {"",6} {"",7} {"",8} {"",6} {"",8} {"",6}  skipped: {skip}");
                continue;
            }
            var row = ChildProcessCase.Run("ntk-eigen", name, quick);
            if (row is null) continue;
            rows.Add(row);
            double seconds = double.Parse(row[1], CultureInfo.InvariantCulture);
            // The peer builds the same Gram kernel whichever path the library took; run it once per size, right after
            // the library's first case there.
            if (!peers.ContainsKey(n)) peers[n] = RunPeer(n, quick);
            var peer = peers[n];
            double? peerSeconds = peer?.GetProperty("seconds").GetDouble();
            double? peerCpu = peer?.GetProperty("cpu_seconds").GetDouble();
            double cpuSeconds = double.Parse(row[10], CultureInfo.InvariantCulture);
            var values = row[9].Split(';').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            string agree = peer is { } pe ? PythonPeer.Agreement(values, pe.GetProperty("values")).ToString("E1", CultureInfo.InvariantCulture) : "-";
            string peerGram = peer is { } pg ? $"; peer Gram {F(pg.GetProperty("gram_seconds").GetDouble(), 3)} s; {PythonPeer.MatchedTolerance(pg, seconds)}" : "";
            string peerProducts = peer?.GetProperty("products").GetInt32().ToString(CultureInfo.InvariantCulture) ?? "-";
            string mfOverLw = row[11];
            Console.WriteLine($"{name,-22} {path,-10} {n,6} {row[1],9} {row[2],9} {row[3],8} {row[4],8} {row[5],10} {row[6],10} {row[7],11}" +
                              $" {(peerSeconds is double ps ? F(ps, 3) : "-"),8} {peerProducts,9} {PythonPeer.Ratio(seconds, peerSeconds),6} {row[10],7} {(peerCpu is double pc ? F(pc, 3) : "-"),8} {PythonPeer.Ratio(cpuSeconds, peerCpu),6} {agree,8} {mfOverLw,6}  {row[8]}{peerGram}");
        }
        if (oneSize) return 0;
        Console.WriteLine();
        Console.WriteLine("per step on n = 2000 (d = 100, width 1024), medians (means) over 300 steps in interleaved chunks: the plain SGD step, the step");
        Console.WriteLine($"with a diagnostics observer computing η_crit of every batch, and η_crit alone on fresh batches; after {Measure.WarmUpFor(quick).TotalSeconds:G} s of untimed chunks");
        Console.WriteLine($"{"case",-10} {"b",4} {"step ms",16} {"step+η ms",16} {"η_crit ms",16} {"η/step",7} {"η_crit",8}  method");
        foreach (var name in cases.Where(c => c.StartsWith("crit-", StringComparison.Ordinal)))
        {
            var row = ChildProcessCase.Run("ntk-eigen", name, quick);
            if (row is null) continue;
            Console.WriteLine($"{name,-10} {row[1],4} {row[2] + " (" + row[8] + ")",16} {row[3] + " (" + row[9] + ")",16} {row[4] + " (" + row[10] + ")",16} {row[5],7} {row[6],8}  {row[7]}");
        }
        return 0;
    }

    private static (int N, string Path) ParseEig(string name)
    {
        var parts = name.Split('-');
        return (int.Parse(parts[2], CultureInfo.InvariantCulture), parts[1]);
    }

    // The sizes a case may ask for: at least the 5 eigenpairs, at most what the layer-wise kernel (n² floats) and the
    // synthetic task hold comfortably in this machine's memory.
    private const int MaxSamples = 20_000;

    private static string? SizeError(int n) =>
        n is < 5 or > MaxSamples ? $"n must be in 5..{MaxSamples} (the top-5 eigenpairs need at least 5 samples), got {n}" : null;

    // Why a case name given to --only cannot run (a process per case gets it, so it is checked before any work).
    private static string? CaseError(string name)
    {
        var parts = name.Split('-');
        if (parts is ["crit", var b])
            return int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int batch) && batch is >= 1 and <= 2000
                ? null : $"the batch size of crit-B must be in 1..2000 (n = 2000), got '{b}'";
        if (parts is not ["eig", var path, var n]) return "unknown case";
        if (!Paths.ContainsKey(path)) return $"unknown path '{path}' (one of {string.Join(", ", Paths.Keys)})";
        return int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int size) ? SizeError(size) : $"'{n}' is not a sample count";
    }

    /// <summary>Paths not run, with why: the explicit Jacobian at n = 8000 needs n·P floats ≈ 3.3 GB plus K, and ~10¹³ flops for J Jᵀ.</summary>
    private static string? SkipReason(string path, int n)
    {
        if (path != "explicit") return null;
        using var net = Network();
        var estimate = NeuralTangentKernel.EstimateCosts(net, n, Eigenpairs).Single(c => c.Method == NtkMethod.ExplicitJacobian);
        return estimate.Bytes > 3.5 * (1L << 30)
            ? $"estimated {estimate.Bytes / (1L << 30):F1} GiB for J [nO, P] and K (over the 4 GB target) and {estimate.Work:E1} flop-equivalents"
            : null;
    }

    /// <summary>The PyTorch + SciPy peer on the same network and inputs as the case at <paramref name="n"/>, or null.</summary>
    private static System.Text.Json.JsonElement? RunPeer(int n, bool quick)
    {
        if (!PythonPeer.Available) return null;
        var (train, test) = SyntheticTask.Rank2(D).CreateSplits(n, 1, seed: 0);
        using (train)
        using (test)
        using (var net = Network())
        using (var exchange = new PeerExchange())
        {
            exchange.WriteNetwork(net);
            exchange.Write("x", train.Features);
            return PythonPeer.Run("ntk_eigen.py", exchange.Directory, "--k", Eigenpairs.ToString(CultureInfo.InvariantCulture),
                "--tol", PeerExchange.Arg(new LanczosOptions().Tolerance), "--repeats", Repeats(n, quick).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Timed solves per case: the median of three where a solve takes well under a second, else one.</summary>
    private static int Repeats(int n, bool quick) => quick || n > 2000 ? 1 : 3;

    private static FullyConnectedNetwork Network() =>
        new(new FullyConnectedOptions { InputDimension = D, HiddenWidths = new[] { Width } });

    private static int RunCase(string name, bool quick)
    {
        if (name.StartsWith("crit-", StringComparison.Ordinal))
            return RunCritical(int.Parse(name["crit-".Length..], CultureInfo.InvariantCulture), quick);
        var (n, path) = ParseEig(name);
        if (!Paths.TryGetValue(path, out var method))
        {
            Console.Error.WriteLine($"Unknown path '{path}'.");
            return 2;
        }
        var (train, test) = SyntheticTask.Rank2(D).CreateSplits(n, 1, seed: 0);
        using (train)
        using (test)
        using (var net = Network())
        {
            var ntk = new NtkOptions { Method = method };
            // A solve on a few samples loads libtorch's kernels and JIT-compiles the paths before the memory baseline.
            using (var small = train.Subset(Enumerable.Range(0, 20).Select(i => (long)i).ToArray()))
            using (NeuralTangentKernel.TopEigenpairs(net, small.Features, 2, ntk)) { }
            GC.Collect();
            double baseline = ResidentMiB();
            Measure.ResetPeakResident();
            EigenpairResult? eig = null;
            var (wall, cpu) = Measure.MedianWallAndCpuMilliseconds(() =>
            {
                eig?.Dispose();
                eig = NeuralTangentKernel.TopEigenpairs(net, train.Features, Eigenpairs, ntk);
            }, Repeats(n, quick), warmups: 1); // one full-size solve first, as the peer's median_wall_and_cpu does
            double seconds = wall / 1000;
            double peak = Measure.PeakResidentMiB() ?? double.NaN;
            using var last = eig!;
            // The kernel alone, so the table separates forming K from the eigen-solve.
            string kernelPart = method == NtkMethod.MatrixFree ? "" : "kernel " + F(Measure.MedianMilliseconds(() =>
            {
                using var k = NeuralTangentKernel.Compute(net, train.Features, ntk);
            }, Repeats(n, quick), warmups: 1) / 1000, 3) + " s, ";
            string note = $"{kernelPart}converged={last.Converged}, restarts={last.Restarts}, direct={last.SolvedDirectly}";
            // After the peak was read, so the layer-wise kernel does not count in the matrix-free case's memory.
            string matrixFreeOverLayerWise = method == NtkMethod.MatrixFree ? F(MatrixFreeOverLayerWise(net, train.Features, Repeats(n, quick) + 2), 2) : "-";
            Console.WriteLine(string.Join('\t', "ROW", name, F(seconds, 3), F(peak, 0), F(peak - baseline, 0),
                last.OperatorApplications.ToString(CultureInfo.InvariantCulture), F(last.Values[0], 4), F(last.Values[^1], 4),
                last.MaxRelativeResidual.ToString("E1", CultureInfo.InvariantCulture), note,
                string.Join(';', last.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))), F(cpu / 1000, 3),
                matrixFreeOverLayerWise));
        }
        return 0;
    }

    // The median over pairs of solves, layer-wise then matrix-free, back to back in one process: the two cases' own
    // times come from processes a minute apart, which load on a shared machine moved by up to 1.5× between runs.
    private static double MatrixFreeOverLayerWise(FullyConnectedNetwork net, torch.Tensor inputs, int pairs)
    {
        var layerWise = new NtkOptions { Method = NtkMethod.LayerWise };
        var matrixFree = new NtkOptions { Method = NtkMethod.MatrixFree };
        double Solve(NtkOptions options)
        {
            var clock = Stopwatch.StartNew();
            using (NeuralTangentKernel.TopEigenpairs(net, inputs, Eigenpairs, options)) { }
            return clock.Elapsed.TotalMilliseconds;
        }
        Solve(layerWise); // untimed, like each case's first solve
        var ratios = Enumerable.Range(0, pairs).Select(_ =>
        {
            double layerWiseMs = Solve(layerWise);
            return Solve(matrixFree) / layerWiseMs;
        }).Order().ToArray();
        return ratios[pairs / 2];
    }

    private static int RunCritical(int b, bool quick)
    {
        int steps = quick ? 50 : 300;
        var (train, test) = SyntheticTask.Rank2(D).CreateSplits(2000, 1, seed: 0);
        using (train)
        using (test)
        using (var plainNet = Network())
        using (var observedNet = Network())
        using (var probeNet = Network())
        {
            var plainOptions = new TrainingOptions { LearningRate = 0.1, BatchSize = b, MaxSteps = 0, ShuffleSeed = 1 };
            var observedOptions = new TrainingOptions { LearningRate = 0.1, BatchSize = b, MaxSteps = 0, ShuffleSeed = 1 };
            using var plain = new Trainer(plainNet, plainOptions);
            using var observed = new Trainer(observedNet, observedOptions);
            using var diagnostics = new DiagnosticsProbe(new DiagnosticsOptions
            {
                EigenvalueCount = 0, RecordFullLoss = false, DetectCatapults = false, RecordFinal = false,
                CriticalRate = CriticalRateCadence.EveryStep,
            });
            var plainTicks = new StepTicker();
            var observedTicks = new StepTicker();
            var source = new EpochBatchSource(train, b, 2);
            var rates = new List<double>();
            var directMs = new List<double>();
            NtkMethod method = NtkMethod.Auto;
            int probeStep = 0;
            void Direct(bool keep)
            {
                using var scope = torch.NewDisposeScope();
                var batch = source.BatchAt(probeStep++);
                var clock = Stopwatch.StartNew();
                var result = CriticalLearningRate.Compute(probeNet, batch.Features);
                if (!keep) return;
                directMs.Add(clock.Elapsed.TotalMilliseconds);
                rates.Add(result.Value);
                method = result.Method;
            }
            // Interleaved chunks of 50 steps, so that bursts of load on a shared machine hit all three alike, after untimed
            // chunks until the tiered JIT is done (Measure.SteadyStateWarmUp).
            void Round(bool keep)
            {
                plainTicks.Keep = observedTicks.Keep = keep;
                plain.Options = plainOptions with { MaxSteps = plain.Step + 50 };
                plain.Run(train, new ITrainingObserver[] { plainTicks });
                observed.Options = observedOptions with { MaxSteps = observed.Step + 50 };
                observed.Run(train, new ITrainingObserver[] { observedTicks, diagnostics });
                for (int i = 0; i < 50; i++) Direct(keep);
            }
            Measure.WarmUp(() => Round(false), Measure.WarmUpFor(quick));
            for (int round = 0; round < steps / 50; round++) Round(true);
            double step = Median(plainTicks.Milliseconds), withRate = Median(observedTicks.Milliseconds), direct = Median(directMs);
            Console.WriteLine(string.Join('\t', "ROW", $"crit-{b}", b.ToString(CultureInfo.InvariantCulture), F(step, 3), F(withRate, 3),
                F(direct, 3), F(direct / step, 2), F(Median(rates), 4), method.ToString(),
                F(plainTicks.Milliseconds.Average(), 3), F(observedTicks.Milliseconds.Average(), 3), F(directMs.Average(), 3)));
        }
        return 0;
    }

    private static double Median(List<double> values) => values.OrderBy(x => x).ElementAt(values.Count / 2);

    /// <summary>Times each step as the interval between consecutive <see cref="ITrainingObserver.OnBeforeStep"/> calls of one run.</summary>
    private sealed class StepTicker : ITrainingObserver
    {
        private long? _last;
        public bool Keep { get; set; }
        public List<double> Milliseconds { get; } = new();
        public void OnTrainingStarted(TrainingContext context) => _last = null;
        public void OnBeforeStep(StepContext step)
        {
            long now = Stopwatch.GetTimestamp();
            if (_last is long last && Keep) Milliseconds.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
            _last = now;
        }
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
