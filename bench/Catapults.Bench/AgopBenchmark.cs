using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Bench;

/// <summary>
/// Issue 4: wall time and peak memory of the streamed AGOP, against O plain backward passes over the same data (the
/// issue's target: about O backward passes plus the d × d accumulation), and the accumulation alone.
/// </summary>
public sealed class AgopBenchmark : IBenchmark
{
    private const int BatchSize = 256;

    public string Name => "agop";
    public string Description =>
        "AGOP (summed outputs, batch 256): wall time and peak RSS vs O plain backward passes; cases: " +
        string.Join(", ", AgopBenchmarkModels.All.Select(c => c.Name)) + " (use --only CASE for a clean per-case peak RSS)";

    public int Run(bool quick, string? only)
    {
        var cases = AgopBenchmarkModels.All.Where(c => only is null || c.Name == only).ToList();
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"error: --only: unknown case '{only}'; cases: {string.Join(", ", AgopBenchmarkModels.All.Select(c => c.Name))}.");
            return 2;
        }
        Console.WriteLine($"{"case",-10} {"n",7} {"d",6} {"O",3} {"AGOP s",9} {"O×bwd s",9} {"ratio",6} {"grads s",9} {"accum s",9} {"runs",5} {"RSS before MiB",15} {"peak RSS MiB",13}");
        foreach (var benchmarkCase in cases)
        {
            Measure.ResetPeakResident();
            double before = Measure.PeakResidentMiB() ?? double.NaN;
            string loadBefore = LoadAverage();
            Run(benchmarkCase, quick, before);
            Console.WriteLine($"#   load average (1, 5, 15 min) before: {loadBefore}; after: {LoadAverage()}");
        }
        return 0;
    }

    private static void Run(AgopBenchmarkCase benchmarkCase, bool quick, double rssBefore)
    {
        int n = quick ? benchmarkCase.QuickSampleCount : benchmarkCase.SampleCount;
        using var model = benchmarkCase.Create();
        int outputs = model.OutputCount;
        long d = model.InputDimension;
        using var generator = Seeding.TorchGenerator(0, Seeding.Stream.Data);
        using var features = torch.randn(new long[] { n }.Concat(benchmarkCase.SampleShape).ToArray(), generator: generator);
        // Large cases take a minute per run on two cores: fewer repeats there.
        bool large = (double)n * outputs * d * d > 1e11;
        int runs = quick || large ? 1 : 5;
        int warmups = large ? 0 : 1;

        double agop = Measure.MedianMilliseconds(() =>
        {
            using var g = Agop.Compute(model, features, new AgopOptions { BatchSize = BatchSize });
        }, runs, warmups) / 1000;
        double backward = Measure.MedianMilliseconds(() => PlainBackwardPasses(model, features, outputs), runs, warmups) / 1000;
        double gradients = Measure.MedianMilliseconds(() => InputGradientsOnly(model, features, outputs), runs, warmups) / 1000;
        double accumulation = Measure.MedianMilliseconds(() => AccumulationOnly(n, d, outputs), runs, warmups) / 1000;
        double peak = Measure.PeakResidentMiB() ?? double.NaN;
        Console.WriteLine($"{benchmarkCase.Name,-10} {n,7} {d,6} {outputs,3} {agop,9:F4} {backward,9:F4} {agop / backward,6:F2} {gradients,9:F4} {accumulation,9:F4} {runs,5} {rssBefore,15:F0} {peak,13:F0}");
        Console.WriteLine($"#   {benchmarkCase.Name}: {model.Describe()}; O×bwd = O passes of forward + backward to the parameters of Σᵢ f_c(xᵢ); " +
                          "grads = the AGOP's input gradients without outer products; accum = O·n/b outer-product updates alone");
        if (RunPeer(model, features, runs) is { } peer)
        {
            double peerSeconds = peer.GetProperty("seconds").GetDouble();
            using var g = Agop.Compute(model, features, new AgopOptions { BatchSize = BatchSize });
            double trace = torch.trace(g).ToDouble(), peerTrace = peer.GetProperty("trace").GetDouble();
            Console.WriteLine($"#   {benchmarkCase.Name} peer (PyTorch, same weights and inputs, one thread): {peerSeconds:F4} s; " +
                              $"ratio {PythonPeer.Ratio(agop, peerSeconds)}; trace agreement {Math.Abs(trace - peerTrace) / Math.Abs(peerTrace):E1}");
        }
    }

    /// <summary>The PyTorch peer for single-output dense networks (where the AGOP of the summed outputs is the AGOP), or null.</summary>
    private static System.Text.Json.JsonElement? RunPeer(NetworkModule model, Tensor features, int runs)
    {
        if (!PythonPeer.Available || model is not IDenseLayerChain dense || model.OutputCount != 1) return null;
        Console.WriteLine($"#   {PythonPeer.Description}");
        using var exchange = new PeerExchange();
        exchange.WriteNetwork(dense);
        exchange.Write("x", features);
        return PythonPeer.Run("agop.py", exchange.Directory, "--batch", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--runs", runs.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The machine's load average, because other processes on a small machine change every figure here.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>What O ordinary backward passes over the data cost: forward, then backward to the parameters, per output.</summary>
    private static void PlainBackwardPasses(NetworkModule model, Tensor features, int outputs)
    {
        long n = features.shape[0], d = model.InputDimension;
        for (int c = 0; c < outputs; c++)
        {
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                long count = Math.Min(BatchSize, n - start);
                model.zero_grad();
                var output = model.forward(features.narrow(0, start, count).reshape(count, d));
                output.select(1, c).sum().backward();
            }
        }
        model.zero_grad();
    }

    /// <summary>The AGOP's gradient work alone: one forward and O input-gradient backward passes per batch.</summary>
    private static void InputGradientsOnly(NetworkModule model, Tensor features, int outputs)
    {
        long n = features.shape[0], d = model.InputDimension;
        for (long start = 0; start < n; start += BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(BatchSize, n - start);
            var x = features.narrow(0, start, count).reshape(count, d).detach().requires_grad_(true);
            var output = model.forward(x);
            for (int c = 0; c < outputs; c++)
            {
                var selector = torch.zeros_like(output);
                selector.select(1, c).fill_(1);
                torch.autograd.grad(new[] { output }, new[] { x }, new[] { selector }, retain_graph: c + 1 < outputs);
            }
        }
    }

    /// <summary>
    /// The AGOP's d × d work alone, as <see cref="Agop"/> does it: O·⌈n/b⌉ updates S += gᵀg with g of shape [b, d] in
    /// float32, flushed to a float64 total every 4096 gradient rows.
    /// </summary>
    private static void AccumulationOnly(long n, long d, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.randn(BatchSize, d);
        var partial = torch.empty(d, d);
        var total = torch.zeros(new long[] { d, d }, ScalarType.Float64);
        long pending = 0;
        for (long start = 0; start < n; start += BatchSize)
        {
            for (int c = 0; c < outputs; c++)
            {
                partial.addmm_(g.t(), g, beta: pending == 0 ? 0f : 1f);
                pending += BatchSize;
            }
            if (pending >= 4096 || start + BatchSize >= n)
            {
                total.add_(partial);
                pending = 0;
            }
        }
    }
}
