using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Tests.Support;
using Catapults.ML.Runtime;
using TorchSharp;

namespace Catapults.ML.Tests.Runtime;

public class NativeLoadDiagnosisTests
{
    [Test]
    public void UnpatchedLibraryOnAnOldLibstdcxxNamesTheMissingVersionAndTheFix()
    {
        Assume.That(SystemLibstdcxx.Has("GLIBCXX_3.4.32"), Is.False,
            "The system libstdc++ provides GLIBCXX_3.4.32, so the shipped library loads and there is no loader error to read.");
        TorchRuntime.EnsureLoaded();   // libtorch already in the process: the copy below fails on its version check, as an app would
        using (var temp = new TempDirectory())
        {
            string dir = temp.Path;
            string copy = Path.Combine(dir, NativeLoadDiagnosis.LibraryFileName);
            File.Copy(ShippedLibrary(), copy);

            string? loaderError = NativeLoadDiagnosis.LoaderErrorFor(copy);
            Assert.That(loaderError, Does.Contain("GLIBCXX_3.4.32"), "the loader itself should refuse the unpatched copy");

            string message = NativeLoadDiagnosis.Explain(loaderError, copy, new[] { dir }, "The libtorch-cpu-linux-x64 package version 2.10.0 is not restored on this system.");
            Assert.That(message, Does.Contain("libstdc++.so.6 lacks GLIBCXX_3.4.32"));
            Assert.That(message, Does.Contain(copy));
            Assert.That(message, Does.Contain("dotnet build").And.Contain("CatapultsSkipNativeFix").And.Contain("buildTransitive/Catapults.ML.targets"));
            Assert.That(message, Does.Not.Contain("is not restored"), "TorchSharp's misleading advice is left out when the loader says why");
        }
    }

    [Test]
    public void MissingLibraryNamesTheFoldersAndThePackage()
    {
        string message = NativeLoadDiagnosis.Explain(null, null, new[] { "/app", "/app/runtimes/linux-x64/native" }, "TorchSharp text\nmore");
        Assert.That(message, Does.Contain("/app, /app/runtimes/linux-x64/native"));
        Assert.That(message, Does.Contain("libtorch-cpu-linux-x64"));
        Assert.That(message, Does.EndWith("TorchSharp said: TorchSharp text"));
    }

    // A single-file bundle with its native libraries inside (IncludeNativeLibrariesForSelfExtract) was told to run the
    // output of 'dotnet publish', which it was.
    [Test]
    public void ASingleFileBundleIsToldToKeepTheNativeLibrariesBesideIt()
    {
        string message = NativeLoadDiagnosis.Explain(null, null, new[] { "/app" }, "Value cannot be null. (Parameter 'paths')", singleFileBundle: true);
        Assert.That(message, Does.Contain("not beside this single-file application (searched /app)"));
        Assert.That(message, Does.Contain("Publish without IncludeNativeLibrariesForSelfExtract"));
        Assert.That(message, Does.Not.Contain("hand-copied"));
    }

    [Test]
    public void OtherLoaderErrorsAreQuotedWithoutDotNetsAdvice()
    {
        const string loaderError = "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n" +
                                   "libtorch.so: cannot open shared object file: No such file or directory";
        string message = NativeLoadDiagnosis.Explain(loaderError, "/app/libLibTorchSharp.so", new[] { "/app" }, "ignored");
        Assert.That(message, Does.Contain("refused /app/libLibTorchSharp.so: libtorch.so: cannot open shared object file"));
        Assert.That(message, Does.Not.Contain("strace"));
    }

    // A 32-bit or foreign-architecture library: the loader's "wrong ELF class" line is the cause, the advice before it
    // is not. Found by mutation testing (round 15A): a filter that dropped that line quoted the advice instead.
    [Test]
    public void AWrongElfClassIsQuotedWithoutDotNetsAdvice()
    {
        const string loaderError = "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n" +
                                   "/app/libLibTorchSharp.so: wrong ELF class: ELFCLASS32";
        string message = NativeLoadDiagnosis.Explain(loaderError, "/app/libLibTorchSharp.so", new[] { "/app" }, "ignored");
        Assert.That(message, Does.Contain("refused /app/libLibTorchSharp.so: /app/libLibTorchSharp.so: wrong ELF class: ELFCLASS32 Check"));
        Assert.That(message, Does.Not.Contain("strace"));
    }

    // Newer glibc quotes the version as 'GLIBCXX_3.4.32' (two apostrophes) where older ones wrote `GLIBCXX_3.4.32'.
    // Found by mutation testing (round 15A): a pattern that took only the backtick passed every test.
    [TestCase("`")]
    [TestCase("'")]
    public void AMissingVersionIsNamedWhicheverQuoteTheLoaderOpensItWith(string quote)
    {
        string loaderError = $"/lib/x86_64-linux-gnu/libstdc++.so.6: version {quote}GLIBCXX_3.4.32' not found (required by /app/libLibTorchSharp.so)";
        string message = NativeLoadDiagnosis.Explain(loaderError, "/app/libLibTorchSharp.so", new[] { "/app" }, "ignored");
        Assert.That(message, Does.Contain("the system's /lib/x86_64-linux-gnu/libstdc++.so.6 lacks GLIBCXX_3.4.32, which /app/libLibTorchSharp.so asks for"));
    }

    // A single-file bundle whose library was found beside it and loads is told what a found library is told, not to
    // move its native libraries out of the bundle.
    [Test]
    public void ASingleFileBundleWhoseLibraryWasFoundIsNotToldToUnbundleIt()
    {
        string message = NativeLoadDiagnosis.Explain(null, "/app/libLibTorchSharp.so", new[] { "/app" }, "TorchSharp text", singleFileBundle: true);
        Assert.That(message, Does.Contain("/app/libLibTorchSharp.so loads on its own"));
        Assert.That(message, Does.Not.Contain("IncludeNativeLibrariesForSelfExtract"));
    }

    // A loader message in words the filter does not know is quoted whole rather than dropped.
    [Test]
    public void ALoaderErrorInUnknownWordsIsQuotedWhole()
    {
        string message = NativeLoadDiagnosis.Explain("Exec format error\nsegment 3 is misaligned", "/app/libLibTorchSharp.so", new[] { "/app" }, "ignored");
        Assert.That(message, Does.Contain("refused /app/libLibTorchSharp.so: Exec format error segment 3 is misaligned Check"));
    }

    // A "not found" the version pattern does not take (GLIBC_PRIVATE, from a mix of two glibcs) is still the loader's
    // own line, quoted without .NET's advice before it.
    [Test]
    public void AVersionNotFoundOutsideThePatternIsQuotedWithoutDotNetsAdvice()
    {
        const string loaderError = "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n" +
                                   "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_PRIVATE' not found (required by /app/libLibTorchSharp.so)";
        string message = NativeLoadDiagnosis.Explain(loaderError, "/app/libLibTorchSharp.so", new[] { "/app" }, "ignored");
        Assert.That(message, Does.Contain("refused /app/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_PRIVATE' not found (required by /app/libLibTorchSharp.so) Check"));
        Assert.That(message, Does.Not.Contain("strace"));
    }

    /// <summary>The library as the TorchSharp package ships it: the NuGet cache's copy, which the build never patches.</summary>
    private static string ShippedLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                          ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(torch).Assembly.GetName().Version!;
        string path = Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", NativeLoadDiagnosis.LibraryFileName);
        Assert.That(File.Exists(path), Is.True, $"TorchSharp's shipped native library is not in the global packages folder: {path}");
        return path;
    }

    // TorchSharp's failure reaches EnsureLoaded as a TypeInitializationException whose own message names only the type
    // ("The type initializer for 'TorchSharp.torch' threw an exception."); what TorchSharp said is its inner exception.
    // Found by mutation testing (round 19A): Describe itself was never called, so quoting the outer message passed.
    [Test]
    public void DescribeQuotesWhatTorchSharpSaidInsideItsTypeInitializer()
    {
        TorchRuntime.EnsureLoaded();
        var failure = new TypeInitializationException("TorchSharp.torch", new NotSupportedException("The libtorch-cpu package is not restored.\n   at frames"));
        string message = NativeLoadDiagnosis.Describe(failure);
        Assert.That(message, Does.EndWith("TorchSharp said: The libtorch-cpu package is not restored."));
        Assert.That(message, Does.Not.Contain("type initializer"));
    }
}
