using System.Reflection;

namespace Catapults.Study.FeatureStrength;

/// <summary>How to start this program again as a child process (apphost, or <c>dotnet program.dll</c>).</summary>
internal static class SelfInvocation
{
    public static (string FileName, IReadOnlyList<string> LeadingArguments) Current()
    {
        string process = Environment.ProcessPath
            ?? throw new InvalidOperationException("The path of the running program is unknown, so cells cannot run in child processes.");
        if (string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            string entry = Assembly.GetEntryAssembly()?.Location
                ?? throw new InvalidOperationException("The entry assembly is unknown, so cells cannot run in child processes.");
            return (process, new[] { entry });
        }
        return (process, Array.Empty<string>());
    }
}
