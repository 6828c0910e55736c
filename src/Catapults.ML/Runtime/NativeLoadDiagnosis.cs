using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Catapults.ML.Runtime;

/// <summary>
/// Turns a failed load of TorchSharp's native library into a message that names the real cause, as the system loader
/// reports it, and the fix. TorchSharp's own message blames a missing libtorch package even when the library is there
/// and the loader refused it (on Debian 12: libstdc++ lacks <c>GLIBCXX_3.4.32</c>).
/// </summary>
internal static partial class NativeLoadDiagnosis
{
    /// <summary>The library TorchSharp loads first; libtorch comes in as its dependency.</summary>
    public const string LibraryFileName = "libLibTorchSharp.so";

    /// <summary>The message for a load that failed with <paramref name="failure"/>, after asking the loader why.</summary>
    public static string Describe(Exception failure)
    {
        var searched = CandidateDirectories().ToList();
        string? library = searched.Select(d => Path.Combine(d, LibraryFileName)).FirstOrDefault(File.Exists);
        string? loaderError = library is null ? null : LoaderErrorFor(library);
        string torchSharpError = (failure.InnerException ?? failure).Message;
        // An assembly has no file of its own inside a single-file bundle.
        bool singleFile = string.IsNullOrEmpty(typeof(NativeLoadDiagnosis).Assembly.Location);
        return Explain(loaderError, library, searched, torchSharpError, singleFile);
    }

    /// <summary>
    /// What the system loader says about <paramref name="libraryPath"/>: its error text, or null when the library loads.
    /// A library that loads stays loaded, which is harmless: it is the one TorchSharp would load next.
    /// </summary>
    public static string? LoaderErrorFor(string libraryPath)
    {
        try
        {
            NativeLibrary.Load(libraryPath);
            return null;
        }
        catch (DllNotFoundException ex)
        {
            return ex.Message;
        }
        catch (BadImageFormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// The message itself, from what was found: the loader's error (null when the library loaded or was not found), the
    /// library's path (null when none was found), the directories searched, TorchSharp's own message, and whether the
    /// application is a single-file bundle.
    /// </summary>
    public static string Explain(string? loaderError, string? libraryPath, IReadOnlyList<string> searched, string torchSharpError,
        bool singleFileBundle = false)
    {
        const string Lead = "TorchSharp's native library could not be loaded: ";
        // Published with -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true, the native libraries
        // are inside the bundle, and TorchSharp only loads them as files beside the application.
        if (libraryPath is null && singleFileBundle)
            return Lead + $"{LibraryFileName} is not beside this single-file application (searched {string.Join(", ", searched)}); " +
                   "TorchSharp loads libtorch only as files beside the application, not from inside the bundle. Publish without " +
                   "IncludeNativeLibrariesForSelfExtract (a single file with the native libraries beside it works), or without " +
                   "PublishSingleFile. TorchSharp said: " + ErrorText.FirstLine(torchSharpError);
        if (libraryPath is null)
            return Lead + $"{LibraryFileName} is not in the application's folder (searched {string.Join(", ", searched)}). " +
                   "Reference the libtorch-cpu-linux-x64 package (Catapults.ML brings it) or a CUDA libtorch package of " +
                   "libtorch 2.10.0, and run the output of 'dotnet build' or 'dotnet publish', not a hand-copied set of files. " +
                   "TorchSharp said: " + ErrorText.FirstLine(torchSharpError);
        if (loaderError is null)
            return Lead + $"{libraryPath} loads on its own, so the failure lies in TorchSharp's initialisation. " +
                   "TorchSharp said: " + ErrorText.FirstLine(torchSharpError);

        var missingVersion = MissingVersionPattern().Match(loaderError);
        if (missingVersion.Success)
        {
            string version = missingVersion.Groups["version"].Value;
            string library = missingVersion.Groups["library"].Value;
            return Lead + $"the system's {library} lacks {version}, which {libraryPath} asks for. " +
                   $"Catapults.ML's build step marks that requirement weak in the build output's copy of {LibraryFileName} " +
                   "(TorchSharp uses no symbol that needs it). Build or publish the application with 'dotnet build' or " +
                   "'dotnet publish' from a project that references the Catapults.ML or Catapults.Pipelines package " +
                   "(the package's buildTransitive/Catapults.ML.targets runs the step), leave CatapultsSkipNativeFix unset " +
                   "or false, and run that output rather than a copy of the library taken from elsewhere. A libstdc++ from " +
                   $"GCC 13 or newer also provides {version}. Loader: " + Flatten(loaderError);
        }
        return Lead + $"the system loader refused {libraryPath}: " + Flatten(loaderError) +
               " Check that the libtorch package matches TorchSharp 0.107.0 (libtorch 2.10.0) and that the machine is Linux x64.";
    }

    /// <summary>Where TorchSharp looks for its native library: beside the app, and under runtimes/linux-x64/native.</summary>
    private static IEnumerable<string> CandidateDirectories()
    {
        var roots = new List<string> { AppContext.BaseDirectory };
        string? torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpDir)) roots.Add(torchSharpDir);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string root in roots)
            foreach (string dir in new[] { root, Path.Combine(root, "runtimes", "linux-x64", "native") })
            {
                string full = Path.GetFullPath(dir);
                if (seen.Add(full)) yield return full;
            }
    }

    /// <summary>.NET's DllNotFoundException puts advice first and the loader's own words last; keep the words.</summary>
    private static string Flatten(string loaderError)
    {
        var lines = loaderError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var loaderLines = lines.Where(l => l.Contains("not found", StringComparison.Ordinal) || l.Contains("cannot open", StringComparison.Ordinal)
                                           || l.Contains("undefined symbol", StringComparison.Ordinal) || l.Contains("wrong ELF", StringComparison.Ordinal)).ToList();
        return string.Join(" ", loaderLines.Count > 0 ? loaderLines : lines);
    }

    // glibc: "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by ...)".
    [GeneratedRegex(@"(?<library>[^\s:]+): version [`'](?<version>[A-Z]+_[0-9.]+)' not found")]
    private static partial Regex MissingVersionPattern();
}
