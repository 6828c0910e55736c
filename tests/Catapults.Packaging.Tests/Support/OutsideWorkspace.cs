using System.Xml.Linq;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Packaging.Tests.Support;

/// <summary>
/// A temporary folder outside the repository holding a local package feed with this repository's packages, and console
/// apps that reference them as any outside user would: no Directory.Build.* or central package versions apply there.
/// </summary>
public sealed class OutsideWorkspace : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    private readonly TempDirectory _folder;

    private OutsideWorkspace(string repositoryRoot, TempDirectory folder)
    {
        RepositoryRoot = repositoryRoot;
        _folder = folder;
        Root = folder.Path;
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
    }

    /// <summary>The repository the packages are made from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The temporary folder; everything below it is deleted on <see cref="Dispose"/>.</summary>
    public string Root { get; }

    /// <summary>The local folder feed the packages are packed into.</summary>
    public string Feed { get; }

    /// <summary>The version the packages were packed with.</summary>
    public string PackageVersion { get; private set; } = "";

    /// <summary>The machine's global packages folder, where the solution's restore put TorchSharp, libtorch and ML.NET.</summary>
    public string MachinePackages { get; private set; } = "";

    /// <summary>Makes the folder, its NuGet settings and the two packages.</summary>
    public static OutsideWorkspace Create()
    {
        string repo = FindRepositoryRoot();
        var workspace = new OutsideWorkspace(repo, new TempDirectory());
        try
        {
            Assert.That(workspace.Root.StartsWith(repo, StringComparison.Ordinal), Is.False, "the outside apps must live outside the repository");
            workspace.WriteIsolation();
            workspace.Pack();
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>The version of <paramref name="packageId"/> that the repository's Directory.Packages.props names.</summary>
    public string CentralVersionOf(string packageId)
    {
        var doc = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"));
        var item = doc.Descendants("PackageVersion").FirstOrDefault(e => (string?)e.Attribute("Include") == packageId);
        Assert.That(item, Is.Not.Null, $"Directory.Packages.props names no version of {packageId}");
        return (string)item!.Attribute("Version")!;
    }

    /// <summary>
    /// Writes a console app named <paramref name="name"/> whose sources are the test's Apps/<paramref name="name"/> and
    /// Apps/Shared folders, referencing <paramref name="packages"/> (id, version); returns its folder.
    /// </summary>
    public string CreateApp(string name, params (string Id, string Version)[] packages)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        string apps = Path.Combine(TestContext.CurrentContext.TestDirectory, "Apps");
        foreach (string source in Directory.GetFiles(Path.Combine(apps, name), "*.cs").Concat(Directory.GetFiles(Path.Combine(apps, "Shared"), "*.cs")))
            File.Copy(source, Path.Combine(dir, Path.GetFileName(source)), overwrite: true);
        var references = string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />"));
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        return dir;
    }

    /// <summary>Restores and builds the app in Release (restore only through NuGet: the local feed and the machine's sources).</summary>
    public ChildResult Build(string appDir, params string[] extraArguments) =>
        ChildProcess.Run(ChildProcess.Dotnet,
            new[] { "build", appDir, "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false" }.Concat(extraArguments),
            appDir, BuildTimeout);

    /// <summary>Runs the built app.</summary>
    public ChildResult RunApp(string appDir)
    {
        string name = Path.GetFileName(appDir);
        return ChildProcess.Run(ChildProcess.Dotnet, new[] { Path.Combine(appDir, "bin", "Release", "net10.0", name + ".dll") }, appDir, RunTimeout);
    }

    /// <summary>The path of a packed file in the feed, e.g. "Catapults.ML", ".snupkg".</summary>
    public string PackageFile(string id, string extension) => Path.Combine(Feed, $"{id}.{PackageVersion}{extension}");

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Stops MSBuild and NuGet from walking up into whatever holds the temporary folder, and points restore at the local
    /// feed. Packages restore into a private folder; the machine's global packages folder serves as a read-only
    /// fallback, so TorchSharp and libtorch (600 MB) are not downloaded again. NuGet takes a package from a fallback
    /// folder before any source, so the packages are packed with a version of this workspace alone (see
    /// <see cref="Pack"/>): an earlier pack of 0.1.0 that reached the machine's folder is never the one tested. Package
    /// sources stay those configured on the machine, plus the feed.
    /// </summary>
    private void WriteIsolation()
    {
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        var locals = ChildProcess.Run(ChildProcess.Dotnet, new[] { "nuget", "locals", "global-packages", "--list" }, Root, TimeSpan.FromMinutes(2))
            .AssertSucceeded("Asking NuGet for the global packages folder");
        string line = locals.Output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        MachinePackages = line["global-packages:".Length..].Trim();
        File.WriteAllText(Path.Combine(Root, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <packageSources>
                <add key="catapults-local-feed" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine-global-packages" value="{MachinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>
    /// Packs both packages from a build of their own (the artifacts layout under the temporary folder), so the test never
    /// writes into the bin/ and obj/ folders that the other test projects of the same run are using.
    /// </summary>
    private void Pack()
    {
        string artifacts = "-p:ArtifactsPath=" + Path.Combine(Root, "artifacts");
        // A pre-release suffix no other pack has: no folder NuGet looks in first can hold a package of this version.
        string suffix = "-p:VersionSuffix=test." + Guid.NewGuid().ToString("N")[..12];
        string[] common = { "-c", "Release", "-o", Feed, "-p:UseArtifactsOutput=true", artifacts, suffix, "-nodeReuse:false", "-p:UseSharedCompilation=false" };
        ChildProcess.Run(ChildProcess.Dotnet, new[] { "pack", Path.Combine(RepositoryRoot, "src", "Catapults.Pipelines", "Catapults.Pipelines.csproj") }.Concat(common),
            RepositoryRoot, PackTimeout).AssertSucceeded("Packing Catapults.Pipelines");
        ChildProcess.Run(ChildProcess.Dotnet, new[] { "pack", Path.Combine(RepositoryRoot, "src", "Catapults.ML", "Catapults.ML.csproj"), "--no-build" }.Concat(common),
            RepositoryRoot, PackTimeout).AssertSucceeded("Packing Catapults.ML");
        string pipelines = Directory.GetFiles(Feed, "Catapults.Pipelines.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        PackageVersion = Path.GetFileNameWithoutExtension(pipelines)["Catapults.Pipelines.".Length..];
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Catapults.sln"))) return dir.FullName;
        throw new InvalidOperationException("The tests run outside a Catapults.NET checkout: no Catapults.sln above " + TestContext.CurrentContext.TestDirectory);
    }
}
