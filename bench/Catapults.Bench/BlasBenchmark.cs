using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Bench;

/// <summary>
/// Issue 20: the matrix kernels behind the spectra (a Gram matrix, a kernel-vector product, a skinny kernel-block
/// product, the float64 basis projections of Lanczos) under each BLAS setting worth trying, each in its own process
/// because the BLAS reads its environment once: the default, MKL_ENABLE_INSTRUCTIONS=AVX512 (oneMKL's ISA cap) and
/// MKL_DEBUG_CPU_TYPE=5 (the old AMD override, ignored by oneMKL since 2020.1). Each child prints the BLAS's own
/// banner (MKL_VERBOSE) so the table names the library and the code path it took.
/// </summary>
public sealed class BlasBenchmark : IBenchmark
{
    private static readonly (string Name, string? Variable, string? Value)[] Settings =
    {
        ("default", null, null),
        ("avx512", "MKL_ENABLE_INSTRUCTIONS", "AVX512"),
        ("debug-cpu-5", "MKL_DEBUG_CPU_TYPE", "5"),
        ("avx2", "MKL_ENABLE_INSTRUCTIONS", "AVX2"),
    };

    public string Name => "blas";

    public string Description =>
        "ms per BLAS kernel (2000×1024 Gram, 2000² kernel × vector, × 5 columns, float64 Lanczos projection) under MKL settings, one process each";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => Settings.Select(s => s.Name).ToArray();

    public int Run(bool quick, string? only)
    {
        if (only is not null) return RunKernels(quick);
        Console.WriteLine($"{"setting",-12} {"gram ms",9} {"mv ms",8} {"mm×5 ms",8} {"proj ms",8} {"conv ms",8} {"conv err",8}  BLAS banner");
        foreach (var (name, variable, value) in Settings)
        {
            string exe = Environment.ProcessPath!;
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(exe) == "dotnet") start.ArgumentList.Add(typeof(BlasBenchmark).Assembly.Location);
            foreach (var a in new[] { Name, "--only", name, "--threads", torch.get_num_threads().ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(a);
            if (quick) start.ArgumentList.Add("--quick");
            if (variable is not null) start.Environment[variable] = value;
            start.Environment["MKL_VERBOSE"] = "1";
            using var process = ChildProcesses.Start(start);
            var error = process.StandardError.ReadToEndAsync();
            var lines = process.StandardOutput.ReadToEnd().Split('\n');
            process.WaitForExit();
            var row = lines.FirstOrDefault(l => l.StartsWith("ROW\t", StringComparison.Ordinal))?.TrimEnd('\r').Split('\t');
            string banner = lines.FirstOrDefault(l => l.StartsWith("MKL_VERBOSE", StringComparison.Ordinal) && !l.Contains("NThr", StringComparison.Ordinal))?
                .Replace("MKL_VERBOSE ", "", StringComparison.Ordinal).Trim() ?? "(no MKL banner)";
            if (row is null)
            {
                Console.WriteLine($"{name,-12} failed: {error.Result.Split('\n').FirstOrDefault()}");
                continue;
            }
            Console.WriteLine($"{name,-12} {row[1],9} {row[2],8} {row[3],8} {row[4],8} {row[5],8} {row[6],8}  {banner}");
        }
        if (PythonPeer.Run("blas.py") is { } peer)
            Console.WriteLine($"{"peer",-12} {F(peer.GetProperty("gram").GetDouble()),9} {F(peer.GetProperty("mv").GetDouble()),8} " +
                              $"{F(peer.GetProperty("mm5").GetDouble()),8} {F(peer.GetProperty("projection").GetDouble()),8}  {PythonPeer.Description}");
        return 0;
    }

    private static int RunKernels(bool quick)
    {
        int repeats = quick ? 3 : 15;
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(0);
        var a = torch.randn(new long[] { 2000, 1024 }, generator: g);
        var k = torch.mm(a, a.t());
        var v = torch.randn(new long[] { 2000, 1 }, generator: g);
        var block = torch.randn(new long[] { 2000, 5 }, generator: g);
        var basis = torch.randn(new long[] { 60, 94_218 }, ScalarType.Float64, generator: g);
        var w = torch.randn(new long[] { 94_218 }, ScalarType.Float64, generator: g);
        double gram = Time(() => torch.mm(a, a.t()), repeats);
        // The same Gram as a 1×1 convolution, which libtorch sends to oneDNN (its own JIT kernels) rather than to the BLAS.
        var image = a.t().reshape(1, 1024, 2000, 1).contiguous();
        var filters = a.reshape(2000, 1024, 1, 1);
        double conv = Time(() => torch.nn.functional.conv2d(image, filters), repeats);
        double convError = (torch.nn.functional.conv2d(image, filters).reshape(2000, 2000) - torch.mm(a, a.t())).abs().max().ToDouble();
        double mv = Time(() => torch.mm(k, v), repeats * 10);
        double mm5 = Time(() => torch.mm(k, block), repeats * 10);
        // One Gram–Schmidt pass of Lanczos on a Hessian-sized basis: c = Q w, w − Qᵀ c.
        double projection = Time(() => torch.addmv(w, basis.t(), torch.mv(basis, w), beta: 1, alpha: -1), repeats * 4);
        Console.WriteLine(string.Join('\t', "ROW", F(gram), F(mv), F(mm5), F(projection), F(conv), convError.ToString("E1", CultureInfo.InvariantCulture)));
        return 0;
    }

    private static double Time(Func<Tensor> kernel, int repeats) => Measure.MedianMilliseconds(() =>
    {
        using var scope = torch.NewDisposeScope();
        kernel();
    }, repeats, warmups: 2);

    private static string F(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);
}
