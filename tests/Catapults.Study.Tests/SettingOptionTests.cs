using System.CommandLine;
using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Models;
using Catapults.Study.BatchSweep;
using Catapults.Study.Cells;
using Catapults.Study.DominantSubspace;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests;

/// <summary>
/// The options that override a settings record's preset: each one given sets its own field and no other (a setter
/// wired to the wrong field would pass every run that leaves the option out); left out, every field keeps the preset's.
/// </summary>
public sealed class SettingOptionTests
{
    // The expected settings travel as JSON: records holding arrays and lists compare those by reference.
    private static TestCaseData Case<TSettings>(TSettings preset, Func<TSettings, TSettings> expected, params string[] args) =>
        new TestCaseData(args, JsonSerializer.Serialize(expected(preset))).SetArgDisplayNames(args.Length == 0 ? "no option" : string.Join(" ", args));

    private static CellPlan Plan(ICellExperiment experiment, string[] args)
    {
        var command = new Command(experiment.Name);
        experiment.AddOptions(command);
        var parse = command.Parse(args);
        Assert.That(parse.Errors, Is.Empty);
        return experiment.Plan(parse, CancellationToken.None);
    }

    // Fixed, because the cases are built before any set-up runs; one per user, rewritten by every run.
    private static readonly string SvhnRoot = Path.Combine(Path.GetTempPath(), $"catapults-setting-tests-svhn-{Environment.UserName}");

    [OneTimeSetUp]
    public void WriteSvhn() =>
        ML.Tests.Data.Fixtures.DatasetFixtures.WriteSvhn(Path.Combine(SvhnRoot, ML.Data.Images.SvhnReader.FolderName, "train_32x32.mat"), 10 * DominantSubspaceSettings.Quick.Samples, compressed: false);

    private static void AssertSettings<T>(T actual, string expected) => Assert.That(JsonSerializer.Serialize(actual), Is.EqualTo(expected));

    private static IEnumerable<TestCaseData> FeatureStrengthCases()
    {
        var quick = FeatureStrengthSettings.Quick;
        yield return Case(FeatureStrengthSettings.Default, s => s);
        yield return Case(quick, s => s, "--quick");
        yield return Case(quick, s => s with { Task = SyntheticTaskKind.Rank4 }, "--quick", "--task", "rank4");
        yield return Case(quick, s => s with { Depths = [2, 3] }, "--quick", "--depths", "2,3");
        yield return Case(quick, s => s with { InputDimension = 8 }, "--quick", "--input-dimension", "8");
        yield return Case(quick, s => s with { Width = 16 }, "--quick", "--width", "16");
        yield return Case(quick, s => s with { Steps = 50 }, "--quick", "--steps", "50");
        yield return Case(quick, s => s with { StepGrowthPerDecade = 0.5 }, "--quick", "--step-growth", "0.5");
        yield return Case(quick, s => s with { BatchSize = 8 }, "--quick", "--batch-size", "8");
        yield return Case(quick, s => s with { GammaMin = 0.1 }, "--quick", "--gamma-min", "0.1");
        yield return Case(quick, s => s with { GammaMax = 10 }, "--quick", "--gamma-max", "10");
        yield return Case(quick, s => s with { GammasPerDecade = 2 }, "--quick", "--gammas-per-decade", "2");
        yield return Case(quick, s => s with { LevelSpacingDecades = 0.5 }, "--quick", "--eta-spacing", "0.5");
        yield return Case(quick, s => s with { DecadesBelowFirstStable = 2 }, "--quick", "--decades-below", "2");
        yield return Case(quick, s => s with { SlopeFitExclusionDecades = 0.5 }, "--quick", "--fit-exclude-decades", "0.5");
        yield return Case(quick, s => s with { Seed = 3 }, "--quick", "--seed", "3");
        yield return Case(quick, s => s with { Seeds = 2 }, "--quick", "--seeds", "2");
        yield return Case(quick, s => s with { Staircase = false }, "--quick", "--staircase", "false");
    }

    [TestCaseSource(nameof(FeatureStrengthCases))]
    public void FeatureStrength(string[] args, string expected) =>
        AssertSettings(Plan(new FeatureStrengthCommand(), args).SettingsAs<FeatureStrengthCommand.PlanSettings>().Settings, expected);

    private static IEnumerable<TestCaseData> DominantSubspaceCases()
    {
        var quick = DominantSubspaceSettings.Quick;
        var eos = DominantSubspaceSettings.QuickEos;
        yield return Case(new DominantSubspaceSettings(), s => s);
        yield return Case(quick, s => s, "--quick");
        yield return Case(eos, s => s, "--quick", "--eos");
        // The plan reads the images, so the root holds a small SVHN (written by SetUp) with the quick preset's images per class.
        yield return Case(quick, s => s with { Dataset = ImageDatasetKind.Svhn, DataRoot = SvhnRoot }, "--quick", "--dataset", "svhn", "--data-root", SvhnRoot);
        // The --eos preset's input offset shapes the synthetic task only, so an image run's plan drops it.
        yield return Case(eos, s => s with { Dataset = ImageDatasetKind.Svhn, DataRoot = SvhnRoot, InputOffset = 0 }, "--quick", "--eos", "--dataset", "svhn", "--data-root", SvhnRoot);
        yield return Case(quick, s => s with { Classes = 3 }, "--quick", "--classes", "3");
        yield return Case(quick, s => s with { Samples = 64 }, "--quick", "--samples", "64");
        yield return Case(quick, s => s with { InputDimension = 8 }, "--quick", "--input-dimension", "8");
        yield return Case(quick, s => s with { ClusterScale = 2 }, "--quick", "--cluster-scale", "2");
        yield return Case(quick, s => s with { InputOffset = -0.5 }, "--quick", "--input-offset", "-0.5");
        yield return Case(eos, s => s with { InputOffset = 0 }, "--quick", "--eos", "--input-offset", "0");
        yield return Case(quick, s => s with { Width = 16 }, "--quick", "--width", "16");
        yield return Case(quick, s => s with { LearningRate = 0.3 }, "--quick", "--learning-rate", "0.3");
        yield return Case(quick, s => s with { BatchSize = 8 }, "--quick", "--batch-size", "8");
        yield return Case(quick, s => s with { BatchSize = null }, "--quick", "--batch-size", "0");
        yield return Case(quick, s => s with { WarmUpSteps = 20 }, "--quick", "--warm-up-steps", "20");
        yield return Case(quick, s => s with { Steps = 30 }, "--quick", "--steps", "30");
        yield return Case(quick, s => s with { Rank = 2 }, "--quick", "--rank", "2");
        yield return Case(quick, s => s with { RefreshEvery = 2 }, "--quick", "--refresh-every", "2");
        yield return Case(quick, s => s with { RecordEvery = 3 }, "--quick", "--record-every", "3");
        yield return Case(quick, s => s with { HessianSamples = 50 }, "--quick", "--hessian-samples", "50");
        yield return Case(quick, s => s with { Seed = 4 }, "--quick", "--seed", "4");
        yield return Case(quick, s => s with { Seeds = 2 }, "--quick", "--seeds", "2");
        yield return Case(quick, s => s with { SamRadius = 0.05 }, "--quick", "--sam-radius", "0.05");
        yield return Case(quick, s => s with { Parameterization = Parameterization.MeanField }, "--quick", "--parameterization", "meanfield");
        yield return Case(eos, s => s with { Parameterization = Parameterization.Ntk }, "--quick", "--eos", "--parameterization", "ntk");
        yield return Case(quick, s => s with { Activation = ActivationKind.Relu }, "--quick", "--activation", "relu");
        yield return Case(quick, s => s with { UseBias = false }, "--quick", "--no-bias");
        yield return Case(eos, s => s with { SgdWarmUpSteps = 10 }, "--quick", "--eos", "--sgd-warm-up-steps", "10");
        yield return Case(eos, s => s with { SgdLearningRate = 0.2 }, "--quick", "--eos", "--sgd-warm-up-rate", "0.2");
        yield return Case(eos, s => s with { SgdBatchSize = 8 }, "--quick", "--eos", "--sgd-warm-up-batch", "8");
        yield return Case(eos, s => s with { EdgeOfStabilityFactor = 2.5 }, "--quick", "--eos", "--eos-factor", "2.5");
    }

    [TestCaseSource(nameof(DominantSubspaceCases))]
    public void DominantSubspace(string[] args, string expected) =>
        // Cell 0 is the study at --seed itself.
        AssertSettings(CellPlan.ConfigurationOf<DominantSubspaceSettings>(Plan(new DominantSubspaceCommand(), args).Cells[0]), expected);

    // Small data and network keep the plan's critical-rate survey quick; neither is part of the sweep's settings.
    private static readonly string[] SmallBatchSweep = ["--quick", "--n-train", "100", "--n-test", "20", "--width", "16"];

    private static IEnumerable<TestCaseData> BatchSweepCases()
    {
        var quick = BatchSweepSettings.Quick;
        yield return Case(quick, s => s, SmallBatchSweep);
        yield return Case(quick, s => s with { BatchSizes = [0, 20] }, [.. SmallBatchSweep, "--batch-sizes", "gd,20"]);
        yield return Case(quick, s => s with { RateFraction = 0.5 }, [.. SmallBatchSweep, "--rate-fraction", "0.5"]);
        yield return Case(quick, s => s with { Epochs = 11 }, [.. SmallBatchSweep, "--epochs", "11"]);
        yield return Case(quick, s => s with { GdMaxSteps = 40 }, [.. SmallBatchSweep, "--gd-steps", "40"]);
        yield return Case(quick, s => s with { MaxSteps = 33 }, [.. SmallBatchSweep, "--max-steps", "33"]);
        yield return Case(quick, s => s with { TargetLoss = 0.01 }, [.. SmallBatchSweep, "--target-loss", "0.01"]);
        yield return Case(quick, s => s with { RecordEvery = 5 }, [.. SmallBatchSweep, "--record-every", "5"]);
        yield return Case(quick, s => s with { ProbeCount = 64 }, [.. SmallBatchSweep, "--probe-size", "64"]);
    }

    [TestCaseSource(nameof(BatchSweepCases))]
    public void BatchSweep(string[] args, string expected) =>
        AssertSettings(Plan(new BatchSweepCommand(), args).SettingsAs<BatchSweepCommand.PlanSettings>().Settings, expected);

    private static IEnumerable<TestCaseData> ClusterCases()
    {
        var defaults = new ClusterSettings();
        yield return Case(defaults, s => s);
        yield return Case(defaults, s => s with { Parallel = 3 }, "--parallel", "3");
        yield return Case(defaults, s => s with { CpusPerTask = 4 }, "--cpus-per-task", "4");
        yield return Case(defaults, s => s with { Gpu = true }, "--gpu");
        yield return Case(defaults, s => s with { TimeLimit = "1-02:00:00" }, "--time-limit", "1-02:00:00");
        yield return Case(defaults, s => s with { MemoryGiB = 16 }, "--memory-gb", "16");
        yield return Case(defaults, s => s with { Partition = "gpu" }, "--partition", "gpu");
        yield return Case(defaults, s => s with { Account = "proj1" }, "--account", "proj1");
        yield return Case(defaults, s => s with { StudyCommand = "dotnet study.dll" }, "--study-command", "dotnet study.dll");
        yield return Case(defaults, s => s with { Image = "registry.example/study:1" }, "--image", "registry.example/study:1");
        yield return Case(defaults, s => s with { VolumeClaim = "runs2" }, "--volume-claim", "runs2");
        yield return Case(defaults, s => s with { VolumeSize = "5Gi" }, "--volume-size", "5Gi");
        yield return Case(defaults, s => s with { MountPath = "/data/runs" }, "--mount-path", "/data/runs");
        yield return Case(defaults, s => s with { RetriesPerCell = 2 }, "--retries", "2");
    }

    [TestCaseSource(nameof(ClusterCases))]
    public void Cluster(string[] args, string expected)
    {
        var cluster = new ClusterOptions();
        var command = new Command("plan");
        cluster.AddTo(command);
        AssertSettings(cluster.Settings(command.Parse(args)), expected);
    }

    [Test]
    public void EachRecordTakesOnlyItsOwnOptionsFromACommandThatHasBoth()
    {
        // plan's sub-commands carry an experiment's options and the cluster's, some of them of the same type.
        var experiment = new DominantSubspaceCommand();
        var cluster = new ClusterOptions();
        var command = new Command(experiment.Name);
        experiment.AddOptions(command);
        cluster.AddTo(command);
        var parse = command.Parse(["--quick", "--width", "16", "--memory-gb", "16"]);
        Assert.That(cluster.Settings(parse), Is.EqualTo(new ClusterSettings { MemoryGiB = 16 }));
        Assert.That(CellPlan.ConfigurationOf<DominantSubspaceSettings>(experiment.Plan(parse, CancellationToken.None).Cells[0]),
            Is.EqualTo(DominantSubspaceSettings.Quick with { Width = 16 }));
    }

    // --seeds said nothing of its default, which each experiment set in its plan alone; the plan and the help now read
    // one declaration (RunCellExperiment.DefaultSeeds).
    [TestCase("batch-sweep", "(default 3; quick 2)")]
    [TestCase("gd-catapults", "(default 1; quick 1)")]
    [TestCase("sgd-spikes", "(default 4; quick 1)")]
    [TestCase("optimizers", "(default 2; quick 1)")]
    public void TheSeedsHelpStatesTheExperimentsDefaults(string experiment, string defaults) =>
        Assert.That(HelpEntry(experiment, "--seeds"), Does.Contain(defaults));

    // --jobs help listed the experiments that run a cell per core by default and left sgd-spikes out, which does; each
    // experiment now states its own default, from beside its DefaultJobs.
    [TestCase("batch-sweep", "(default: one per core, up to the cells; under --quick 1, one cell after another in this process)")]
    [TestCase("feature-strength", "(default: one per core, up to the cells; under --quick 1, one cell after another in this process)")]
    [TestCase("dominant-subspace", "(default: one per core, up to the cells)")]
    [TestCase("sgd-spikes", "(default: one per core, up to the cells)")]
    [TestCase("gd-catapults", "(default: 1, one cell after another in this process)")]
    [TestCase("optimizers", "(default: 1, one cell after another in this process)")]
    public void TheJobsHelpStatesTheExperimentsDefault(string experiment, string defaults) =>
        Assert.That(HelpEntry(experiment, "--jobs"), Is.EqualTo("--jobs <jobs> Run this many cells at once, each in its own process " + defaults + "."));

    // One option's entry in an experiment's --help, its wrapped lines (indented to the description column, deeper than
    // the options' own lines) joined by single spaces.
    private static string HelpEntry(string experiment, string option)
    {
        var (code, stdout, error) = StudyCli.Run(experiment, "--help");
        Assert.That(code, Is.EqualTo(0), error);
        var lines = stdout.Split('\n');
        int first = Array.FindIndex(lines, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.That(first, Is.GreaterThanOrEqualTo(0), $"{experiment} --help has no {option}");
        int indent = lines[first].Length - lines[first].TrimStart().Length;
        var entry = lines.Skip(first + 1).TakeWhile(l => l.Trim().Length > 0 && l.Length - l.TrimStart().Length > indent).Prepend(lines[first]);
        return System.Text.RegularExpressions.Regex.Replace(string.Join(" ", entry), @"\s+", " ").Trim();
    }
}
