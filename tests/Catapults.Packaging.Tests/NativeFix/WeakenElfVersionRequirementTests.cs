using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Tests.Support;
using System.Text;

namespace Catapults.Packaging.Tests.NativeFix;

/// <summary>
/// The native-fix task on TorchSharp's shipped libLibTorchSharp.so: it marks GLIBCXX_3.4.32 weak where the system
/// libstdc++ lacks that version, and leaves the library byte for byte as shipped where a libstdc++ provides it.
/// </summary>
[NonParallelizable]   // sets LD_LIBRARY_PATH, which the task reads
public class WeakenElfVersionRequirementTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private TempDirectory? _temp;
    private string _dir = "";
    private string? _savedLibraryPath;

    [SetUp]
    public void CopyShippedLibrary()
    {
        _temp = new TempDirectory();
        _dir = _temp.Path;
        File.Copy(ShippedLibrary(), Path.Combine(_dir, "libLibTorchSharp.so"));
        _savedLibraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
    }

    [TearDown]
    public void CleanUp()
    {
        Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", _savedLibraryPath);
        _temp?.Dispose();
    }

    [Test]
    public void LibraryStaysAsShippedWhereLibstdcxxProvidesTheVersion()
    {
        // A libstdc++ that defines GLIBCXX_3.4.32: the system's, with the name of one version it defines rewritten (same
        // length) in a copy the task only reads. LD_LIBRARY_PATH is searched first, as the loader would.
        string newer = Path.Combine(_dir, "newer-libstdc++");
        Directory.CreateDirectory(newer);
        byte[] libstdcxx = File.ReadAllBytes(SystemLibstdcxx.Path);
        int at = libstdcxx.AsSpan().IndexOf(Encoding.ASCII.GetBytes("GLIBCXX_3.4.30\0"));
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "the system libstdc++ defines no GLIBCXX_3.4.30 to rename");
        Encoding.ASCII.GetBytes(Version).CopyTo(libstdcxx, at);
        File.WriteAllBytes(Path.Combine(newer, "libstdc++.so.6"), libstdcxx);
        Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", newer);

        var (succeeded, log) = RunTask();

        Assert.That(succeeded, Is.True, string.Join("\n", log));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "libLibTorchSharp.so")), Is.EqualTo(File.ReadAllBytes(ShippedLibrary())),
            "where libstdc++ is new enough the library must stay as shipped");
        Assert.That(log, Has.Some.Contains("left as shipped"));
    }

    [Test]
    public void RequirementIsMarkedWeakWhereLibstdcxxLacksTheVersionAndOnlyOnce()
    {
        Assume.That(SystemLibstdcxx.Has(Version), Is.False, "the system libstdc++ provides GLIBCXX_3.4.32; nothing to patch here");
        Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", null);
        string library = Path.Combine(_dir, "libLibTorchSharp.so");

        var (succeeded, log) = RunTask();
        Assert.That(succeeded, Is.True, string.Join("\n", log));
        byte[] shipped = File.ReadAllBytes(ShippedLibrary()), patched = File.ReadAllBytes(library);
        Assert.That(patched.Length, Is.EqualTo(shipped.Length));
        var changed = Enumerable.Range(0, shipped.Length).Where(i => shipped[i] != patched[i]).ToList();
        Assert.That(changed, Has.Count.EqualTo(1), "one byte: the vna_flags of the GLIBCXX_3.4.32 entry");
        Assert.That(patched[changed[0]] & 0x2, Is.EqualTo(0x2), "VER_FLG_WEAK set");
        Assert.That(log, Has.Some.Contains("Marked GLIBCXX_3.4.32 weak"));

        var (again, secondLog) = RunTask();
        Assert.That(again, Is.True);
        Assert.That(File.ReadAllBytes(library), Is.EqualTo(patched), "idempotent");
        Assert.That(secondLog, Has.Some.Contains("already weak"));
    }

    private (bool Succeeded, List<string> Log) RunTask()
    {
        var engine = new RecordingBuildEngine();
        var task = new WeakenElfVersionRequirement
        {
            BuildEngine = engine,
            Directories = new[] { _dir },
            LibraryFileName = "libLibTorchSharp.so",
            VersionName = Version,
        };
        return (task.Execute(), engine.Log);
    }

    private static string ShippedLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                          ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(path), Is.True, $"TorchSharp's shipped native library is not in the global packages folder: {path}");
        return path;
    }
}
