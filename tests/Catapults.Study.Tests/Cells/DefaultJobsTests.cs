using System.Text.RegularExpressions;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.BatchSweep;
using Catapults.Study.Cells;
using Catapults.Study.FeatureStrength;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.Cells;

/// <summary>How the plain commands spread their cells: one per core for the long default presets, and the same lines and files either way.</summary>
public sealed partial class DefaultJobsTests
{
    [Test]
    public void TheDefaultRunsACellPerCoreAndQuickRunsInThisProcess()
    {
        Assert.That(BatchSweepSettings.Default.CellsOnEveryCore, Is.True);
        Assert.That(BatchSweepSettings.Quick.CellsOnEveryCore, Is.False);
        var data = new DataSettings { Dataset = "rank2", TrainCount = 60, TestCount = 20 };
        var network = new NetworkDescription { Architecture = "fcn-2", Width = 16, UseBias = false };
        var settings = BatchSweepSettings.Quick with { TrainCount = 60, TestCount = 20, BatchSizes = new[] { 0, 5 }, Seeds = 3, ProbeCount = 8 };
        var command = new BatchSweepCommand();
        var serial = BatchSweepCommand.Plan(settings, data, network, fixedRate: null, threads: 1);
        Assert.That(command.DefaultJobs(serial), Is.EqualTo(1));
        var parallel = BatchSweepCommand.Plan(settings with { CellsOnEveryCore = true }, data, network, fixedRate: null, threads: 1);
        Assert.That(command.DefaultJobs(parallel), Is.EqualTo(Math.Min(Environment.ProcessorCount, 6)));
        var single = BatchSweepCommand.Plan(settings with { CellsOnEveryCore = true, BatchSizes = new[] { 5 }, Seeds = 1 }, data, network, fixedRate: null, threads: 1);
        Assert.That(command.DefaultJobs(single), Is.EqualTo(1), "never more processes than cells");
    }

    [Test]
    public void TheFeatureStrengthDefaultRunsACellPerCoreWithoutChangingItsSweepsManifests()
    {
        using var temp = new TempDirectory();
        var command = new FeatureStrengthCommand();
        foreach (var (quick, expected) in new[] { (false, true), (true, false) })
        {
            string folder = temp.Combine(quick ? "quick" : "default");
            var args = new List<string> { "plan", "feature-strength", "--out", folder };
            if (quick) args.Add("--quick");
            var (code, stdout, error) = StudyCli.Run(args.ToArray());
            Assert.That(code, Is.EqualTo(0), stdout + error);
            var plan = CellPlan.Read(folder);
            Assert.That(command.DefaultJobs(plan), Is.EqualTo(expected ? Math.Min(Environment.ProcessorCount, plan.Cells.Count) : 1), folder);
        }
        // How the cells run is not what they compute: a sweep stored by an older build still resumes.
        Assert.That(FeatureStrengthSettings.Default.Manifest(), Does.Not.Contain("CellsOnEveryCore").IgnoreCase);
    }

    [Test]
    public void CellsInProcessesPrintWhatCellsInThisProcessPrint()
    {
        using var temp = new TempDirectory();
        string[] options = { "--quick", "--batch-sizes", "gd,5", "--seeds", "2", "--max-steps", "30", "--threads", "1" };
        var one = StudyCli.Run(options.Concat(new[] { "--out", temp.Combine("one") }).ToArray());
        Assert.That(one.ExitCode, Is.EqualTo(0), one.Out + one.Error);
        var many = StudyCli.Run(options.Concat(new[] { "--jobs", "2", "--out", temp.Combine("many") }).ToArray());
        Assert.That(many.ExitCode, Is.EqualTo(0), many.Out + many.Error);
        RunFolders.AssertSame(temp.Combine("one"), temp.Combine("many"));

        // Each cell's result line, then its numbered closing line, in finishing order; timings aside, the same lines.
        Assert.That(CellLines(many.Out), Is.EquivalentTo(CellLines(one.Out)));
        var lines = many.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var label in new[] { "gd-seed0", "gd-seed1", "b5-seed0", "b5-seed1" })
        {
            int result = lines.FindIndex(l => l.StartsWith(label + ": ", StringComparison.Ordinal));
            Assert.That(result, Is.GreaterThanOrEqualTo(0), many.Out);
            Assert.That(lines[result + 1], Does.Match($@"^\[\d/4\] cell \d \({label}\): finished in \d+\.\d s$"), many.Out);
        }
    }

    // The cells' result and closing lines with timings and the finishing order's numbers masked.
    private static List<string> CellLines(string stdout) => stdout.Split('\n').Select(l => l.TrimEnd('\r'))
        .Where(l => CellLine().IsMatch(l))
        .Select(l => Timing().Replace(Number().Replace(l, "[k/4]"), "<s>")).ToList();

    [GeneratedRegex(@"^((gd|b5)-seed\d: |\[\d/4\] cell )")]
    private static partial Regex CellLine();

    [GeneratedRegex(@"^\[\d/4\]")]
    private static partial Regex Number();

    [GeneratedRegex(@"\d+\.\d s\)?$")]
    private static partial Regex Timing();
}
