using System.Runtime.InteropServices;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Turns SIGINT and SIGTERM into a cancellation of <see cref="Token"/> instead of the end of the process, remembering
/// which signal came so that the command can exit with the shell's code for it (<see cref="ExitCode"/>: 130 for SIGINT,
/// 143 for SIGTERM, which Slurm and Kubernetes send before they stop a job). A command still busy
/// <see cref="Install"/>'s grace period after the first signal is ended with that code.
/// </summary>
/// <remarks>
/// System.CommandLine 2.0.0 can cancel on a signal too, but it installs its handler only when given a timeout and only
/// for an action that has returned its task, and it does not say which signal came: a command cancelled by SIGTERM
/// could not tell it from SIGINT, because its handler and a second registration run in no set order.
/// </remarks>
public static class Interruption
{
    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = new();
    private static int _signalNumber;

    /// <summary>Cancelled by the first SIGINT or SIGTERM once <see cref="Install"/> has run; never cancelled otherwise.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>128 plus the number of the signal that cancelled <see cref="Token"/>; 130 (SIGINT's) when none did.</summary>
    public static int ExitCode => 128 + (Volatile.Read(ref _signalNumber) is int n and > 0 ? n : SigInt);

    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>
    /// Handles SIGINT and SIGTERM from now on: the first cancels <see cref="Token"/>; if the process is still running
    /// <paramref name="grace"/> later it says so on stderr and exits with <see cref="ExitCode"/> (files are written
    /// atomically, so that stop loses only the step in progress). Later signals change nothing. Calling it again while
    /// installed does nothing.
    /// </summary>
    /// <returns>
    /// The installation: disposing it, once the command has returned, gives the signals back to the runtime's default
    /// (the end of the process). A host that runs several commands in one process (the tests do) is then not left with a
    /// handler that holds its own Ctrl-C back for the grace period. The handle of a call that found the handlers
    /// installed does nothing.
    /// </returns>
    public static IDisposable Install(TimeSpan grace)
    {
        lock (Registrations)
        {
            if (Registrations.Count > 0) return new Installation(owner: false);
            foreach (var (signal, number) in new[] { (PosixSignal.SIGINT, SigInt), (PosixSignal.SIGTERM, SigTerm) })
                Registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    // The process stays up: the command stops its children and writes its last line itself.
                    context.Cancel = true;
                    if (Interlocked.CompareExchange(ref _signalNumber, number, 0) != 0) return;
                    Source.Cancel();
                    _ = Task.Delay(grace).ContinueWith(_ =>
                    {
                        Console.Error.WriteLine($"cancelled; the step in progress did not end within {grace.TotalSeconds:0.#} s of the signal, so the command stopped there.");
                        Environment.Exit(ExitCode);
                    }, TaskScheduler.Default);
                }));
            return new Installation(owner: true);
        }
    }

    /// <summary>Whether the handlers are installed now.</summary>
    internal static bool IsInstalled
    {
        get { lock (Registrations) return Registrations.Count > 0; }
    }

    private sealed class Installation(bool owner) : IDisposable
    {
        private bool _owner = owner;

        public void Dispose()
        {
            if (!_owner) return;
            _owner = false;
            lock (Registrations)
            {
                foreach (var registration in Registrations) registration.Dispose();
                Registrations.Clear();
            }
        }
    }
}
