using System.Diagnostics;
using System.Globalization;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Bench;

/// <summary>
/// Issue 9: top-10 Hessian eigenpairs (MSE) of a 100-256-256-10 tanh MLP (94,218 parameters) on 5,000 samples by
/// Lanczos on the matrix-free Hessian operator: Hessian-vector products, wall time, peak RSS. Cases: one retained
/// gradient graph over all samples, streamed chunks of 1,000, and a warm-started re-solve. Each case runs in its own
/// process; <c>--only CASE</c> runs one.
/// </summary>
public sealed class HessianEigenBenchmark : IBenchmark
{
    private const int D = 100, Width = 256, Outputs = 10, Eigenpairs = 10;

    /// <inheritdoc />
    public string Name => "hessian-eigen";

    /// <inheritdoc />
    public string Description =>
        "top-10 Hessian eigenpairs of a ~94k-parameter MLP on 5,000 samples (HVPs, seconds, peak RSS): retained graph, chunks of 1000, warm restart";

    private static readonly string[] Cases = { "retained", "chunked", "warm" };

    /// <inheritdoc />
    public int Run(bool quick, string? only)
    {
        if (only is not null)
        {
            if (!Cases.Contains(only))
            {
                Console.Error.WriteLine($"error: --only: unknown case '{only}'. Cases: {string.Join(", ", Cases)}.");
                return 2;
            }
            return RunCase(only, quick);
        }
        int n = quick ? 1000 : 5000;
        Console.WriteLine($"MLP {D}-{Width}-{Width}-{Outputs} tanh, {Parameters()} parameters, n = {n}, top-{Eigenpairs}, tolerance 1e-4 (float32 HVPs)");
        Console.WriteLine($"# {PythonPeer.Description}");
        Console.WriteLine("# peer (after the retained case): PyTorch double-backward HVPs on a gradient graph built once + scipy eigsh (ARPACK), " +
                          "same weights and data, one thread; the graph build and one solve (a small one here) are outside the timing on both sides; ratio = library / peer; " +
                          "ARPACK accepts a pair at residual ≤ tol·|θ_i|, the library at ≤ tol·|θ_1|: the peer solves at tol and, after it, at tol·λ1/λk, which bracket like-for-like");
        Console.WriteLine($"{"case",-10} {"seconds",9} {"peak MiB",9} {"+MiB",8} {"HVPs",6} {"ms/HVP",8} {"λ1",10} {"λ10",10} {"max rel res",11}  note");
        foreach (var name in Cases)
        {
            var row = ChildProcessCase.Run("hessian-eigen", name, quick);
            if (row is null) continue;
            Console.WriteLine($"{name,-10} {row[1],9} {row[2],9} {row[3],8} {row[4],6} {row[5],8} {row[6],10} {row[7],10} {row[8],11}  {row[9]}");
            if (name != "retained" || RunPeer(quick) is not { } peer) continue;
            double peerSeconds = peer.GetProperty("seconds").GetDouble();
            var values = row[10].Split(';').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Console.WriteLine($"{"peer",-10} {F(peerSeconds, 2),9} {"",9} {"",8} {peer.GetProperty("products").GetInt32(),6} " +
                              $"{F(1000 * peerSeconds / Math.Max(peer.GetProperty("products").GetInt32(), 1), 1),8} {"",10} {"",10} {"",11}  " +
                              $"ratio {PythonPeer.Ratio(double.Parse(row[1], CultureInfo.InvariantCulture), peerSeconds)}; CPU {row[11]} s against " +
                              $"{F(peer.GetProperty("cpu_seconds").GetDouble(), 2)} s, ratio {PythonPeer.Ratio(double.Parse(row[11], CultureInfo.InvariantCulture), peer.GetProperty("cpu_seconds").GetDouble())}; " +
                              $"eigenvalue agreement {PythonPeer.Agreement(values, peer.GetProperty("values")).ToString("E1", CultureInfo.InvariantCulture)}; " +
                              PythonPeer.MatchedTolerance(peer, double.Parse(row[1], CultureInfo.InvariantCulture)));
        }
        return 0;
    }

    private static (Tensor X, Tensor Y, FullyConnectedNetwork Net) Problem(int n)
    {
        using var g = Seeding.TorchGenerator(0, Seeding.Stream.Data);
        var x = torch.randn(new long[] { n, D }, generator: g);
        var y = torch.randn(new long[] { n, Outputs }, generator: g);
        var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = D, HiddenWidths = new[] { Width, Width }, OutputCount = Outputs, Activation = ActivationKind.Tanh,
        });
        return (x, y, net);
    }

    /// <summary>The PyTorch + SciPy peer on the same network, data and tolerance, or null.</summary>
    private static System.Text.Json.JsonElement? RunPeer(bool quick)
    {
        if (!PythonPeer.Available) return null;
        var (x, y, net) = Problem(quick ? 1000 : 5000);
        using (x)
        using (y)
        using (net)
        using (var exchange = new PeerExchange())
        {
            exchange.WriteNetwork(net);
            exchange.Write("x", x);
            exchange.Write("y", y);
            return PythonPeer.Run("hessian_eigen.py", exchange.Directory, "--k", Eigenpairs.ToString(CultureInfo.InvariantCulture),
                "--tol", PeerExchange.Arg(Tolerance), "--repeats", "1");
        }
    }

    private const double Tolerance = 1e-4;

    private static long Parameters() => (long)D * Width + Width + (long)Width * Width + Width + (long)Width * Outputs + Outputs;

    private static int RunCase(string name, bool quick)
    {
        int n = quick ? 1000 : 5000;
        var (x, y, net) = Problem(n);
        using var xOwner = x;
        using var yOwner = y;
        using var netOwner = net;
        var hessian = new HessianOptions { ChunkSize = name == "chunked" ? 1000 : n };
        var lanczos = new LanczosOptions { Tolerance = Tolerance };
        // Warm-up on a few samples: loads libtorch's kernels and JIT-compiles the paths.
        using (var small = new HessianOperator(net, x.narrow(0, 0, 20), y.narrow(0, 0, 20), LossKind.MeanSquaredError))
        using (small.TopEigenpairs(2, lanczos)) { }
        using var op = new HessianOperator(net, x, y, LossKind.MeanSquaredError, hessian);
        // The operator builds its graph at the first product; the peer builds its own before its clock starts.
        using (var probe = torch.ones(op.InputSize, torch.float64))
        using (op.Apply(probe)) { }
        Tensor? start = null;
        if (name == "warm")
        {
            using var first = op.TopEigenpairs(Eigenpairs, lanczos);
            start = first.Vectors.clone();
        }
        GC.Collect();
        double baseline = ResidentMiB();
        Measure.ResetPeakResident();
        int before = op.Products;
        double cpuBefore = Measure.CpuMilliseconds();
        var clock = Stopwatch.StartNew();
        using var eig = op.TopEigenpairs(Eigenpairs, lanczos, start);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpu = (Measure.CpuMilliseconds() - cpuBefore) / 1000;
        double peak = Measure.PeakResidentMiB() ?? double.NaN;
        int products = op.Products - before;
        start?.Dispose();
        string note = $"converged={eig.Converged}, restarts={eig.Restarts}, solver products={eig.OperatorApplications}";
        Console.WriteLine(string.Join('\t', "ROW", name, F(seconds, 2), F(peak, 0), F(peak - baseline, 0),
            products.ToString(CultureInfo.InvariantCulture), F(1000 * seconds / Math.Max(products, 1), 1), F(eig.Values[0], 4),
            F(eig.Values[^1], 4), eig.MaxRelativeResidual.ToString("E1", CultureInfo.InvariantCulture), note,
            string.Join(';', eig.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))), F(cpu, 2)));
        return 0;
    }

    private static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    private static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
