using System.Text.Json;
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

    /// <summary>
    /// Runs <c>plan <paramref name="experiment"/></c> with <paramref name="options"/> into <paramref name="directory"/>
    /// (nothing trains), asserts that it succeeded, and returns the plan.json it wrote.
    /// </summary>
    public static JsonElement Plan(string experiment, string directory, params string[] options)
    {
        var (code, stdout, error) = Run(new[] { "plan", experiment }.Concat(options).Concat(new[] { "--out", directory }).ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "plan.json")));
        return plan.RootElement.Clone();
    }
}

[SetUpFixture]
public sealed class OneThread
{
    [OneTimeSetUp]
    public void Configure() => TorchRuntime.Configure(new RuntimeOptions { Threads = 1 });
}
