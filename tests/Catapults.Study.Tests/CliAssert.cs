namespace Catapults.Study.Tests;

/// <summary>The one outcome a refused input may have: one line on stderr that starts with "error:" and names the culprit, and exit code 2.</summary>
internal static class CliAssert
{
    public static string OneLineError((int ExitCode, string Out, string Error) result, params string[] mentioned) =>
        OneLineError(result, 2, mentioned);

    /// <summary>The same, for a command whose refusal has exit code <paramref name="exitCode"/>.</summary>
    public static string OneLineError((int ExitCode, string Out, string Error) result, int exitCode, params string[] mentioned)
    {
        var (code, stdout, error) = result;
        Assert.That(code, Is.EqualTo(exitCode), $"exit code; stdout: {stdout} stderr: {error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: "));
        Assert.That(lines[0], Does.Not.Contain("   at "), "no stack trace");
        Assert.That(lines[0], Does.Not.Contain("(Parameter '"), "no C# parameter name");
        // A message is cut at ErrorText.MaximumMessageLength; only the study's own remedy (a sentence) may follow.
        Assert.That(lines[0], Has.Length.LessThanOrEqualTo(Catapults.ML.Runtime.ErrorText.MaximumMessageLength + 120), "a bounded line");
        foreach (var m in mentioned) Assert.That(lines[0], Does.Contain(m));
        return lines[0];
    }

    /// <summary>The config.json files under <paramref name="folder"/> (none may be left by a configuration error).</summary>
    public static IReadOnlyList<string> Configs(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "config.json", SearchOption.AllDirectories) : Array.Empty<string>();
}
