using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Catapults.Bench;

/// <summary>
/// Runs one case of a benchmark in a fresh process (`NAME --only CASE`), so its peak resident memory is its own.
/// The child prints its figures on one line starting with "ROW\t"; the fields after that tag are returned.
/// </summary>
public static class ChildProcessCase
{
    /// <summary>The fields of the child's ROW line, or null (with the failure printed) when it failed.</summary>
    public static string[]? Run(string benchmark, string caseName, bool quick)
    {
        string exe = Environment.ProcessPath!;
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, FileName = exe };
        // Under `dotnet bench.dll` the process is the host; under the apphost it is the benchmark itself.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") start.ArgumentList.Add(typeof(ChildProcessCase).Assembly.Location);
        foreach (var a in new[] { benchmark, "--only", caseName, "--threads", torch.get_num_threads().ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        if (quick) start.ArgumentList.Add("--quick");
        using var process = ChildProcesses.Start(start);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("ROW\t", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            Console.WriteLine($"{caseName}: failed (exit {process.ExitCode}): {error.Split('\n').FirstOrDefault()}");
            return null;
        }
        return line.TrimEnd('\r').Split('\t').Skip(1).ToArray();
    }
}
