namespace Catapults.Packaging.Tests.Support;

/// <summary>What a child process did: its exit code, its stdout and stderr interleaved, and how long it ran.</summary>
public sealed record ChildResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Fails the test unless the process exited with 0, quoting its output.</summary>
    public ChildResult AssertSucceeded(string what)
    {
        if (ExitCode != 0)
            Assert.Fail($"{what} failed (exit code {ExitCode}, {Elapsed.TotalSeconds:F0} s): {CommandLine}\n--- output ---\n{Output}");
        return this;
    }

    /// <summary>The lines of the output that start with <paramref name="key"/> followed by a space, without the key.</summary>
    public IReadOnlyList<string> Lines(string key) => Output.Split('\n')
        .Select(l => l.TrimEnd('\r'))
        .Where(l => l.StartsWith(key + " ", StringComparison.Ordinal))
        .Select(l => l[(key.Length + 1)..])
        .ToList();
}
