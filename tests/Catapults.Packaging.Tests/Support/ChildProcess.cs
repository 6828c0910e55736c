using System.Diagnostics;
using System.Text;

namespace Catapults.Packaging.Tests.Support;

/// <summary>Runs the dotnet CLI and the built apps as child processes, with a timeout and captured output.</summary>
public static class ChildProcess
{
    /// <summary>The dotnet host that runs this test, so the children use the same SDK installation.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>. On timeout the
    /// whole process tree is killed and the test fails with the output so far.
    /// </summary>
    public static ChildResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        // dotnet test sets MSBuild variables that would point a child build at this test run's MSBuild instead of its own.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build servers: they would outlive the test and keep its output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";

        string commandLine = fileName + " " + string.Join(" ", info.ArgumentList);
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            string sofar;
            lock (output) sofar = output.ToString();
            Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s: {commandLine}\n--- output so far ---\n{sofar}");
        }
        process.WaitForExit();   // drains the asynchronous readers
        lock (output) return new ChildResult(commandLine, process.ExitCode, output.ToString(), watch.Elapsed);
    }
}
