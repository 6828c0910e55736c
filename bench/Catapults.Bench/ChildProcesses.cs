using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Catapults.Bench;

/// <summary>
/// Starts the benchmark's child processes (cases in fresh processes, the PyTorch peers) and ends them with it: on
/// SIGINT or SIGTERM it kills every child still running, and the benchmark then ends as the signal says. Without this a
/// signal to the benchmark alone left its child computing on, on the core the next run measures with.
/// </summary>
public static class ChildProcesses
{
    private static readonly HashSet<Process> Running = new();
    private static readonly Lazy<PosixSignalRegistration[]> Handlers = new(() => new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
        .Select(signal => PosixSignalRegistration.Create(signal, _ => KillAll())).ToArray());

    /// <summary>Starts <paramref name="info"/>; the child is killed, with its own children, if a signal ends this process first.</summary>
    public static Process Start(ProcessStartInfo info)
    {
        _ = Handlers.Value;
        lock (Running)
        {
            var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) =>
            {
                lock (Running) Running.Remove(process);
            };
            Running.Add(process);
            return process;
        }
    }

    // The handler leaves the signal's default action in place, so the benchmark ends right after.
    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // It has just exited.
                }
            }
        }
    }
}
