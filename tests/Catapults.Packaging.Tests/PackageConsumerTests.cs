using Catapults.ML.Tests.Support;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using Catapults.Packaging.Tests.Support;

namespace Catapults.Packaging.Tests;

/// <summary>
/// The packages as an outside user meets them: packed into a local feed, referenced from console apps in a temporary
/// folder outside the repository, built, run and trained. One pack serves every test.
/// </summary>
[NonParallelizable]
public class PackageConsumerTests
{
    private OutsideWorkspace _workspace = null!;
    private string? _consumer;

    [OneTimeSetUp]
    public void PackIntoLocalFeed() => _workspace = OutsideWorkspace.Create();

    [OneTimeTearDown]
    public void DeleteWorkspace() => _workspace?.Dispose();

    [Test]
    public void PackagesCarryMetadataDocsSymbolsAndTheNativeFix()
    {
        foreach (string id in new[] { "Catapults.ML", "Catapults.Pipelines" })
        {
            Assert.That(File.Exists(_workspace.PackageFile(id, ".snupkg")), Is.True, $"{id}: no symbol package");
            using var package = ZipFile.OpenRead(_workspace.PackageFile(id, ".nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.That(entries, Does.Contain($"lib/net10.0/{id}.dll").And.Contain($"lib/net10.0/{id}.xml").And.Contain("README.md").And.Contain("LICENSE"), id);

            var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.That((string?)metadata.Element(ns + "license"), Is.EqualTo("MIT"), id);
            Assert.That((string?)metadata.Element(ns + "license")!.Attribute("type"), Is.EqualTo("expression"), id);
            Assert.That((string?)metadata.Element(ns + "readme"), Is.EqualTo("README.md"), id);
            Assert.That((string?)metadata.Element(ns + "description"), Is.Not.Empty, id);
            Assert.That((string?)metadata.Element(ns + "repository")?.Attribute("url"), Does.StartWith("https://"), id);
            Assert.That((string?)metadata.Element(ns + "version"), Is.EqualTo(_workspace.PackageVersion), id);
        }

        using var engine = ZipFile.OpenRead(_workspace.PackageFile("Catapults.ML", ".nupkg"));
        var targets = engine.GetEntry("buildTransitive/Catapults.ML.targets");
        Assert.That(targets, Is.Not.Null, "the native fix must travel as buildTransitive/<PackageId>.targets");
        Assert.That(engine.GetEntry("buildTransitive/WeakenElfVersionRequirement.cs"), Is.Not.Null, "the task source must sit beside the targets");
        using var reader = new StreamReader(targets!.Open(), Encoding.UTF8);
        string shipped = reader.ReadToEnd();
        string inRepository = File.ReadAllText(Path.Combine(_workspace.RepositoryRoot, "build", "TorchSharpNativeFix.targets"));
        Assert.That(shipped, Is.EqualTo(inRepository), "one copy of the fix: the package ships the file the repository imports");
    }

    [Test]
    public void AppThatOnlyAddsThePackageTrains()
    {
        string app = ConsumerApp();
        _workspace.Build(app).AssertSucceeded("Building the consumer app");
        // The packages just packed, from the feed into the workspace's own folder: not a copy NuGet found elsewhere first.
        foreach (var id in new[] { "catapults.ml", "catapults.pipelines" })
            Assert.That(Directory.Exists(Path.Combine(_workspace.Root, "packages", id, _workspace.PackageVersion.ToLowerInvariant())), Is.True,
                $"{id} {_workspace.PackageVersion} restored from the feed");
        var run = _workspace.RunApp(app).AssertSucceeded("Running the consumer app");
        AssertOurTraining(run);
    }

    [Test]
    public void AppBuiltWithoutTheFixFailsWithTheLoadersCauseAndTheFix()
    {
        Assume.That(SystemLibstdcxx.Has("GLIBCXX_3.4.32"), Is.False,
            "The system libstdc++ provides GLIBCXX_3.4.32: TorchSharp's library loads unpatched, so there is no failure to explain.");
        string app = ConsumerApp();
        try
        {
            _workspace.Build(app, "-p:CatapultsSkipNativeFix=true").AssertSucceeded("Building the consumer app without the fix");
            var run = _workspace.RunApp(app);
            TestContext.Progress.WriteLine("Unpatched app: " + run.Output.Split('\n').FirstOrDefault(l => l.Contains("could not be loaded", StringComparison.Ordinal)));
            Assert.That(run.ExitCode, Is.Not.Zero, "the unpatched library should not load here\n" + run.Output);
            Assert.That(run.Output, Does.Contain("TorchSharp's native library could not be loaded: the system's"));
            Assert.That(run.Output, Does.Contain("lacks GLIBCXX_3.4.32"), run.Output);
            Assert.That(run.Output, Does.Contain("CatapultsSkipNativeFix"), run.Output);
            Assert.That(run.Output, Does.Not.Contain("Build with 'dotnet build' (not a copied binary)"), run.Output);
        }
        finally
        {
            // The next build copies the shipped library over again and patches it: the app is whole for the other tests.
            _workspace.Build(app).AssertSucceeded("Rebuilding the consumer app with the fix");
        }
        Assert.That(_workspace.RunApp(app).ExitCode, Is.Zero, "a plain rebuild should restore the fix");
    }

    [Test]
    public void AppWithMicrosoftMLTorchSharpTrainsOursAndConstructsTheirTextTrainers()
    {
        string app = _workspace.CreateApp("Coexistence", ("Catapults.Pipelines", _workspace.PackageVersion),
            ("Microsoft.ML.TorchSharp", _workspace.CentralVersionOf("Microsoft.ML.TorchSharp")));
        _workspace.Build(app).AssertSucceeded("Building the app that references Microsoft.ML.TorchSharp too");
        var run = _workspace.RunApp(app).AssertSucceeded("Running the app that references Microsoft.ML.TorchSharp too");

        AssertOurTraining(run);
        Assert.That(run.Lines("CONSTRUCTED"), Is.EqualTo(new[]
        {
            "Microsoft.ML.TorchSharp.NasBert.TextClassificationTrainer",
            "Microsoft.ML.TorchSharp.NasBert.NerTrainer",
            "Microsoft.ML.TorchSharp.NasBert.SentenceSimilarityTrainer",
        }), run.Output);

        // Every method of Microsoft.ML.TorchSharp was compiled against TorchSharp 0.107.0: what fails to bind is object
        // detection's call to torch.nn.functional.interpolate, nothing in the text trainers (README, "Next to Microsoft.ML.TorchSharp").
        int compiled = int.Parse(run.Lines("COMPILED").Single(), CultureInfo.InvariantCulture);
        Assert.That(compiled, Is.GreaterThan(500), run.Output);
        var missing = run.Lines("MISSING");
        TestContext.Progress.WriteLine("Members of Microsoft.ML.TorchSharp that do not bind against this TorchSharp:\n" + string.Join("\n", missing));
        Assert.That(missing, Is.Not.Empty, "object detection is documented as broken against TorchSharp 0.107.0; update the README if it now binds");
        Assert.That(missing, Has.All.StartWith("Microsoft.ML.TorchSharp.AutoFormerV2."), "only object detection (AutoFormerV2) should fail to bind");
        Assert.That(missing, Has.Some.Contains("interpolate"));
    }

    [Test]
    public void ReadmeAndPackagePageExamplesCompileAgainstThePackages()
    {
        // The packages the examples use beside ours: FastTree (a learner on the AGOP features) and ImageAnalytics
        // (ML.NET's image chain feeding a CNN).
        string app = _workspace.CreateApp("ReadmeExamples", ("Catapults.Pipelines", _workspace.PackageVersion),
            ("Microsoft.ML.FastTree", _workspace.CentralVersionOf("Microsoft.ML.FastTree")),
            ("Microsoft.ML.ImageAnalytics", _workspace.CentralVersionOf("Microsoft.ML.ImageAnalytics")));
        int count = ReadmeExamples.WriteSources(Path.Combine(_workspace.RepositoryRoot, "README.md"), app, "ReadmeExample");
        Assert.That(count, Is.GreaterThanOrEqualTo(10), "the README's ```csharp blocks");
        int onPackagePage = ReadmeExamples.WriteSources(Path.Combine(_workspace.RepositoryRoot, "build", "PackageReadme.md"), app, "PackagePageExample");
        Assert.That(onPackagePage, Is.GreaterThanOrEqualTo(1), "the package page's ```csharp blocks");
        count += onPackagePage;

        var build = _workspace.Build(app);
        var errors = build.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Select(l => l.Replace(_workspace.RepositoryRoot + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.That(errors, Is.Empty, $"{count} examples of the README and the package page, built against the packages:\n" + string.Join("\n", errors));
        build.AssertSucceeded("Building the README's examples");
    }

    private string ConsumerApp() => _consumer ??= _workspace.CreateApp("Consumer", ("Catapults.Pipelines", _workspace.PackageVersion));

    private static void AssertOurTraining(ChildResult run)
    {
        var engine = run.Lines("ENGINE").Single().Split(' ');
        Assert.That(engine[0], Is.EqualTo("BudgetReached"), run.Output);
        double before = double.Parse(engine[1], CultureInfo.InvariantCulture), after = double.Parse(engine[2], CultureInfo.InvariantCulture);
        Assert.That(after, Is.LessThan(0.25 * before), "the engine's SGD run should fit its training set\n" + run.Output);
        double r2 = double.Parse(run.Lines("PIPELINE").Single(), CultureInfo.InvariantCulture);
        Assert.That(r2, Is.GreaterThan(0.5), "the ML.NET trainer with its defaults should fit the held-out rows\n" + run.Output);
        Assert.That(run.Output, Does.Contain("DONE"), run.Output);
    }
}
