using System.Text;

namespace Catapults.ML.Tests.Support;

/// <summary>
/// The system's libstdc++ as the tests of the native-library fix see it (also compiled into the packaging tests):
/// whether it defines a GLIBCXX version decides whether TorchSharp's shipped library loads unpatched.
/// </summary>
internal static class SystemLibstdcxx
{
    private static readonly string[] Directories = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64" };

    /// <summary>The path of the first libstdc++.so.6 in the usual directories; throws when there is none.</summary>
    public static string Path => Directories.Select(d => System.IO.Path.Combine(d, "libstdc++.so.6")).First(File.Exists);

    /// <summary>Whether the first libstdc++.so.6 found holds the version string (e.g. GLIBCXX_3.4.32); false when there is none.</summary>
    public static bool Has(string version)
    {
        string? path = Directories.Select(d => System.IO.Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        return path is not null && File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }
}
