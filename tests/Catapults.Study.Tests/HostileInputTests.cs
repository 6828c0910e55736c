using System.Text.Json;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.Study.Tests;

/// <summary>
/// Options and output folders a careless or hostile user could give: each ends in one line that names the option or
/// path with exit code 2, before any run starts (no config.json is left behind), or in a correct result.
/// </summary>
public sealed class HostileInputTests : TemporaryFolderTests
{
    // Small enough that a run that wrongly starts finishes in a second (options every experiment but dominant-subspace has).
    private static readonly string[] Tiny = { "--n-train", "100", "--n-test", "50", "--width", "16", "--seeds", "1" };

    // Tiny, without the options that args already sets, and batch-sweep's short budget.
    private static IEnumerable<string> WithTiny(string[] args)
    {
        var extra = new List<string>();
        for (int i = 0; i < Tiny.Length; i += 2)
            if (!args.Contains(Tiny[i])) extra.AddRange(new[] { Tiny[i], Tiny[i + 1] });
        if (args[0].StartsWith("--", StringComparison.Ordinal) && !args.Contains("--max-steps")) extra.AddRange(new[] { "--max-steps", "20" });
        return args.Concat(extra);
    }

    [TestCase(new[] { "--learning-rate", "1,5" }, "--learning-rate", TestName = "A decimal comma is not read as 15")]
    [TestCase(new[] { "--learning-rate", "1,000.5" }, "--learning-rate", TestName = "A thousands separator is refused")]
    [TestCase(new[] { "--rate-fraction", "0x10" }, "--rate-fraction", TestName = "A hex number is not a rate")]
    [TestCase(new[] { "--threads", "100000" }, "--threads", TestName = "More threads than cores")]
    [TestCase(new[] { "--seeds", "2147483647" }, "--seeds", TestName = "Two billion seeds")]
    [TestCase(new[] { "--width", "2147483647" }, "--width", TestName = "A width that cannot fit in memory")]
    [TestCase(new[] { "--n-train", "2147483647" }, "--n-train", TestName = "A training set that cannot fit in memory")]
    [TestCase(new[] { "--target-loss", "Infinity" }, "--target-loss", TestName = "An infinite target loss")]
    [TestCase(new[] { "--target-loss", "NaN" }, "--target-loss", TestName = "A NaN target loss")]
    [TestCase(new[] { "--n-train", "50", "--batch-sizes", "gd,50" }, "gd-seed0", TestName = "Two batch sizes that are the same run")]
    [TestCase(new[] { "sgd-spikes", "--learning-rate", "2,5" }, "--learning-rate", TestName = "sgd-spikes decimal comma")]
    [TestCase(new[] { "gd-catapults", "--threads", "0" }, "--threads", TestName = "No threads")]
    [TestCase(new[] { "optimizers", "--width", "2147483647" }, "--width", TestName = "optimizers width beyond memory")]
    [TestCase(new[] { "dominant-subspace", "--rank", "100000" }, "--rank", TestName = "A rank beyond the parameter count")]
    [TestCase(new[] { "dominant-subspace", "--width", "2147483647" }, "--width", TestName = "dominant-subspace width beyond memory")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--learning-rate", "1e39" }, "--learning-rate", TestName = "dominant-subspace rate beyond float32")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--batch-size", "100000" }, "--batch-size 100000 exceeds the 128 training samples", TestName = "A mini-batch larger than the data")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--samples", "1" }, "--batch-size 16 exceeds the 1 training samples", TestName = "Fewer samples than the preset's mini-batch")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--eos", "--sgd-warm-up-steps", "5", "--sgd-warm-up-batch", "129" }, "--sgd-warm-up-batch 129 exceeds", TestName = "A warm-up mini-batch larger than the data")]
    [TestCase(new[] { "--rate-fraction", "Infinity" }, "--rate-fraction", TestName = "An infinite rate fraction")]
    [TestCase(new[] { "gd-catapults", "--phase-steps", "2147483647" }, "--phase-steps", TestName = "A step budget beyond int")]
    [TestCase(new[] { "--dataset", "cifar10", "--data-root", "/etc/hostname" }, "/etc/hostname", TestName = "A data root that is a file")]
    [TestCase(new[] { "feature-strength", "--quick", "--jobs", "100000" }, "--jobs", TestName = "More cell processes than any machine runs")]
    [TestCase(new[] { "feature-strength", "--quick", "--width", "2147483647" }, "--width", TestName = "feature-strength width beyond memory")]
    [TestCase(new[] { "feature-strength", "--gamma-min", "1e-300", "--gamma-max", "1e300", "--gammas-per-decade", "1000000" }, "--gammas-per-decade", TestName = "A γ grid beyond any budget")]
    [TestCase(new[] { "feature-strength", "--gamma-max", "Infinity" }, "--gamma-max", TestName = "An infinite γ")]
    [TestCase(new[] { "feature-strength", "--quick", "--decades-below", "Infinity" }, "--decades-below", TestName = "Infinite decades below the first stable rate")]
    [TestCase(new[] { "feature-strength", "--quick", "--eta-spacing", "Infinity" }, "--eta-spacing", TestName = "An infinite rate lattice spacing")]
    [TestCase(new[] { "feature-strength", "--quick", "--eta-spacing", "100" }, "--eta-spacing", TestName = "A rate lattice whose scans leave a double's range")]
    [TestCase(new[] { "feature-strength", "--quick", "--eta-spacing", "2147483648" }, "--eta-spacing", TestName = "A rate lattice spacing beyond int")]
    [TestCase(new[] { "feature-strength", "--quick", "--eta-spacing", "1e-300" }, "--eta-spacing", TestName = "A rate lattice too fine to index")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--cluster-scale", "1e308" }, "--cluster-scale", TestName = "Cluster centres beyond float32")]
    [TestCase(new[] { "feature-strength", "--quick", "--seeds", "0" }, "--seeds", TestName = "No seeds")]
    [TestCase(new[] { "feature-strength", "--quick", "--seeds", "-3" }, "--seeds", TestName = "A negative number of seeds")]
    [TestCase(new[] { "feature-strength", "--quick", "--seeds", "65" }, "--seeds", TestName = "More seeds than any budget")]
    [TestCase(new[] { "feature-strength", "--quick", "--seeds", "three" }, "--seeds", TestName = "Seeds that are not a number")]
    [TestCase(new[] { "feature-strength", "--quick", "--seed", "9223372036854775807", "--seeds", "2" }, "--seeds", TestName = "Seeds past the largest seed")]
    public void BadOptionsGiveOneLineBeforeAnyRun(string[] args, string mentioned)
    {
        string output = Temp.Combine("out");
        bool ownOptions = args[0] is "dominant-subspace" or "feature-strength";
        var all = (ownOptions ? args : WithTiny(args)).Append("--out").Append(output);
        CliAssert.OneLineError(StudyCli.Run(all.ToArray()), mentioned);
        Assert.That(CliAssert.Configs(output), Is.Empty, "no run started");
    }

    [TestCase(new[] { "--width", "0" }, "--width", TestName = "A refused batch-sweep leaves no folder")]
    [TestCase(new[] { "dominant-subspace", "--quick", "--eos", "--eos-factor", "4" }, "--eos-factor", TestName = "A refused dominant-subspace leaves no folder")]
    [TestCase(new[] { "feature-strength", "--quick", "--seeds", "0" }, "--seeds", TestName = "A refused feature-strength leaves no folder")]
    public void ARefusedCommandLeavesNoOutputFolder(string[] args, string mentioned)
    {
        // The output folder is checked (created, probed) before the other options; a command refused after that check
        // must not leave the folder, nor the folders above it that the check created.
        string outer = Temp.Combine("new"), output = Path.Combine(outer, "out");
        CliAssert.OneLineError(StudyCli.Run(args.Append("--out").Append(output).ToArray()), mentioned);
        Assert.That(Directory.Exists(outer), Is.False, "a refused command leaves no folder behind");
    }

    [Test]
    public void ADecimalCommaIsNeverReadAsAThousandsSeparator()
    {
        // The parser must not depend on the culture: "1,5" would be 15 under en-US and 1.5 under de-DE.
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "en-US", "de-DE", "" })
            {
                Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo(culture);
                CliAssert.OneLineError(StudyCli.Run("--learning-rate", "1,5", "--out", Temp.Combine("out-" + culture)), "--learning-rate", "'1,5'");
            }
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [Test]
    public void ConsoleFiguresUseADecimalPointUnderAnyCulture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var (code, stdout, error) = StudyCli.Run(WithTiny(new[] { "--batch-sizes", "10", "--out", Temp.Combine("out") }).ToArray());
            Assert.That(code, Is.Zero, stdout + error);
            Assert.That(stdout, Does.Match(@"test loss \d+\.\d").And.Not.Match(@"(test loss|η =|finished in) \d+,\d"), stdout);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [Test]
    public void BadOutputFoldersGiveOneLine()
    {
        string file = Temp.Combine("a-file");
        File.WriteAllText(file, "x");
        foreach (var (output, mentioned) in new[] { (file, file), ("", "--out"), ("   ", "--out"), ("/proc/nope", "/proc/nope"), (Path.Combine(file, "sub"), file) })
        {
            foreach (var command in new[] { "batch-sweep", "gd-catapults", "dominant-subspace" })
                CliAssert.OneLineError(StudyCli.Run(command, "--out", output), mentioned);
            Assert.That(File.ReadAllText(file), Is.EqualTo("x"), "the file given as --out is untouched");
        }
        // A folder that exists but takes no files, even for root: the line says what the file it names is.
        if (Directory.Exists("/proc"))
            CliAssert.OneLineError(StudyCli.Run("--out", "/proc"), "--out '/proc' cannot be written (a test file in it could not be created)");
        var (code, _, error) = StudyCli.Run("feature-strength", "--quick", "--out", file);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error.Trim(), Does.StartWith("error: ").And.Contain(file).And.Not.Contain("\n"));
    }

    [Test]
    public void TheDefaultOutputFolderIsNamedAsSuchNotAsOut()
    {
        // Without --out, a line that says "--out 'runs/sgd-spikes'" names an option the user never gave.
        string folder = Temp.Combine("cwd");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "runs"), "x");
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "catapults-study"))
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("sgd-spikes");
        using var child = System.Diagnostics.Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        string error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        CliAssert.OneLineError((child.ExitCode, stdout.Result, error), "the default output folder 'runs/sgd-spikes'", Path.Combine(folder, "runs") + "' is a file");
        Assert.That(error, Does.Not.Contain("--out '"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AReadOnlyOutputFolderGivesOneLine()
    {
        string folder = Temp.Combine("read-only");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assume.That(CanWrite(folder), Is.False, "root ignores permissions; /proc/nope covers the unwritable case there");
            CliAssert.OneLineError(StudyCli.Run("--out", Path.Combine(folder, "x")), folder);
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "");
            File.Delete(Path.Combine(folder, "probe"));
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Test]
    public void BatchSizesAreCheckedAgainstTheTrainingSetAsLoaded()
    {
        // 25 requested CIFAR-10 images become 2 per class = 20 after class balancing, so b = 25 no longer fits.
        string root = Temp.Combine("data");
        DatasetFixtures.WriteCifar(root, perBatch: 10, testCount: 10);
        string output = Temp.Combine("out");
        string line = CliAssert.OneLineError(StudyCli.Run("--dataset", "cifar10", "--data-root", root, "--n-train", "25", "--n-test", "10",
            "--batch-sizes", "gd,25", "--width", "8", "--seeds", "1", "--max-steps", "10", "--out", output), "25", "1..20");
        Assert.That(line, Does.Contain("--n-train 25"));
        Assert.That(CliAssert.Configs(output), Is.Empty, "no run started, not even the GD one that fits");
    }

    [TestCase("test_batch.bin")]
    [TestCase("batches.meta.txt")]
    public void AFolderWhereADatasetFileBelongsGivesOneLine(string name)
    {
        string root = Temp.Combine("data");
        string dir = DatasetFixtures.WriteCifar(root, perBatch: 10, testCount: 10);
        File.Delete(Path.Combine(dir, name));
        Directory.CreateDirectory(Path.Combine(dir, name));
        CliAssert.OneLineError(StudyCli.Run("--dataset", "cifar10", "--data-root", root, "--n-train", "20", "--n-test", "10",
            "--batch-sizes", "gd", "--width", "8", "--seeds", "1", "--max-steps", "10", "--out", Temp.Combine("out")), Path.Combine(dir, name), "folder");
    }

    [Test]
    public void WidthOneIsACorrectResult()
    {
        // One hidden unit can leave a zero AGOP: the alignment is then undefined (null), not a crash or NaN.
        string output = Temp.Combine("out");
        var (code, stdout, error) = StudyCli.Run(WithTiny(new[] { "--width", "1", "--batch-sizes", "gd,10", "--out", output }).ToArray());
        Assert.That(code, Is.EqualTo(0), stdout + error);
        foreach (var run in new[] { "gd-seed0", "b10-seed0" })
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "runs", run, "summary.json")));
            var alignment = summary.RootElement.GetProperty("agopAlignment");
            if (alignment.ValueKind == JsonValueKind.Number) Assert.That(double.IsFinite(alignment.GetDouble()), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(output, "runs", run, "steps.csv")), Does.Not.Contain("NaN").And.Not.Contain("Infinity"));
        }
    }
}
