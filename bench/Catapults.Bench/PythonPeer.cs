using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Catapults.Bench;

/// <summary>
/// The optional PyTorch + SciPy peers (bench/peers/*.py): run when an interpreter with torch, numpy and scipy is found
/// (<c>CATAPULTS_PEER_PYTHON</c>, else /usr/bin/python3, Debian's python3-torch), with one thread (OMP_NUM_THREADS=1 and
/// torch.set_num_threads(1)), so that a benchmark prints library/peer ratios from pairs run back to back. Set
/// <c>CATAPULTS_PEER_PYTHON=none</c> to skip them. Nothing outside bench/ needs Python.
/// </summary>
public static class PythonPeer
{
    private static readonly Lazy<(string? Python, string? Scripts, string Why)> Found = new(Find);

    /// <summary>Whether the peers can run here.</summary>
    public static bool Available => Found.Value.Python is not null;

    /// <summary>Why the peers do not run, or which interpreter they use.</summary>
    public static string Description => Found.Value.Why;

    /// <summary>
    /// Runs <c>bench/peers/<paramref name="script"/></c> with <paramref name="arguments"/> and returns the JSON object it
    /// prints on a line starting with "PEER ", or null (with the failure printed) when it failed or peers are unavailable.
    /// </summary>
    public static JsonElement? Run(string script, params string[] arguments)
    {
        var (python, scripts, _) = Found.Value;
        if (python is null || scripts is null) return null;
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(scripts, script));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var variable in new[] { "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS" })
            start.Environment[variable] = "1";
        using var process = ChildProcesses.Start(start);
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("PEER ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.WriteLine($"#   peer {script} failed (exit {process.ExitCode}): {error.Result.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        return JsonDocument.Parse(line["PEER ".Length..]).RootElement.Clone();
    }

    /// <summary>A ratio library/peer as text, "-" when either side is missing.</summary>
    public static string Ratio(double library, double? peer) =>
        peer is double p && p > 0 && double.IsFinite(library) ? (library / p).ToString("F2", CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// The peer's second eigen-solve, at ARPACK tolerance tol·λ1/λk, against the library's <paramref name="librarySeconds"/>:
    /// "ARPACK at tol·λ1/λk = …: P products, S s, ratio R".
    /// </summary>
    public static string MatchedTolerance(JsonElement peer, double librarySeconds)
    {
        double seconds = peer.GetProperty("matched_seconds").GetDouble();
        return string.Create(CultureInfo.InvariantCulture,
            $"ARPACK at tol·λ1/λk = {peer.GetProperty("matched_tol").GetDouble():E2}: {peer.GetProperty("matched_products").GetInt32()} products, {seconds:F3} s, ratio {Ratio(librarySeconds, seconds)}");
    }

    /// <summary>Largest relative difference |a − b| / |b| over paired eigenvalues.</summary>
    public static double Agreement(IReadOnlyList<double> library, JsonElement peerValues)
    {
        var peer = peerValues.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return library.Zip(peer, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(b), double.Epsilon)).DefaultIfEmpty(double.NaN).Max();
    }

    private static string OnPath(string name)
    {
        if (name.Contains('/')) return name;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return name;
    }

    private static (string?, string?, string) Find()
    {
        string? python = Environment.GetEnvironmentVariable("CATAPULTS_PEER_PYTHON");
        if (python == "none") return (null, null, "peers skipped (CATAPULTS_PEER_PYTHON=none)");
        // Set but empty counts as unset; a bare name (python3.11) is looked up on PATH, as a shell would.
        python = string.IsNullOrWhiteSpace(python) ? "/usr/bin/python3" : OnPath(python.Trim());
        string? scripts = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers");
            if (File.Exists(Path.Combine(candidate, "peer_common.py")))
            {
                scripts = candidate;
                break;
            }
        }
        if (scripts is null) return (null, null, "peers skipped: bench/peers not found above the benchmark's folder");
        if (!File.Exists(python)) return (null, null, $"peers skipped: no {python} (install python3-torch python3-scipy)");
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(scripts, "peer_common.py"));
            using var process = ChildProcesses.Start(start);
            string version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0
                ? (python, scripts, $"peer: {python}, {version}")
                : (null, null, $"peers skipped: {python} lacks torch, numpy or scipy (install python3-torch python3-scipy)");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, null, $"peers skipped: {python} does not start ({ex.Message})");
        }
    }
}
