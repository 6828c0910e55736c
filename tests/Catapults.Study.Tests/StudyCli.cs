using Catapults.ML.Runtime;
using Catapults.Study.BatchSweep;

namespace Catapults.Study.Tests;

/// <summary>Runs the study CLI in-process (its entry point) and captures stdout and stderr.</summary>
internal static class StudyCli
{
    private static readonly object Gate = new();

    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        lock (Gate)
        {
            var entry = typeof(BatchSweepCommand).Assembly.EntryPoint ?? throw new InvalidOperationException("The study has no entry point.");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var (oldOut, oldError) = (Console.Out, Console.Error);
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                object? result = entry.Invoke(null, new object[] { args });
                return (result is int code ? code : 0, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }
}

[SetUpFixture]
public sealed class OneThread
{
    [OneTimeSetUp]
    public void Configure() => TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
}
