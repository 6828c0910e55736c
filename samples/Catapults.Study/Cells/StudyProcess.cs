namespace Catapults.Study.Cells;

/// <summary>How to start this study program again, as a child process or from a scheduler's job script.</summary>
public static class StudyProcess
{
    /// <summary>
    /// The program and leading arguments that start the study: its apphost beside the assembly when there is one
    /// (what a build puts in bin/ and in every project that references it), else <c>dotnet catapults-study.dll</c>.
    /// Found from the study's assembly, not the process, so a test host or a benchmark that loads the study starts
    /// the study and not itself.
    /// </summary>
    public static IReadOnlyList<string> Command()
    {
        string assembly = typeof(StudyProcess).Assembly.Location;
        if (assembly.Length == 0) throw new InvalidOperationException("The study's assembly has no file, so cells cannot run in child processes.");
        string apphost = Path.Combine(Path.GetDirectoryName(assembly)!, Path.GetFileNameWithoutExtension(assembly));
        if (!OperatingSystem.IsWindows() && File.Exists(apphost)) return new[] { apphost };
        string muxer = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : "dotnet";
        return new[] { muxer, assembly };
    }
}
