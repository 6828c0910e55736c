using System.Text.RegularExpressions;
using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Catapults.Study.OptimizerComparison;
using TorchSharp;

namespace Catapults.Study.Tests.OptimizerComparison;

/// <summary>
/// The optimizers report on hand-made runs: a row counts its runs and, apart, those that diverged, whose values stay
/// out of its means; and a run whose test loss equals that of predicting 0, (1/n_test) Σ‖y‖², does no better than it.
/// Found by mutation testing (6 Dec 2026). The test loss and the training loss stand in their own columns, each a mean
/// ± sd over the runs that did not diverge (round 17B).
/// </summary>
public sealed class OptimizersTableTests
{
    private static RunOutcome Run(int seed, double rate, double? alignment, double? train, double? test)
    {
        string label = $"sgd-{rate}-seed{seed}";
        var config = new RunConfig
        {
            CheckpointEvery = 500, Experiment = "optimizers", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(rate, 10, 100, 0, 10), Seed = seed, RecordEvery = 10,
        };
        bool diverged = test is null;
        var summary = new RunSummary
        {
            Label = label, Outcome = diverged ? "Diverged" : "BudgetReached", Steps = 100, WallSeconds = 0, Catapults = 0, Spikes = diverged ? 9 : 1,
            AgopAlignment = alignment, TrainLoss = train, TestLoss = test, Divergence = diverged ? "step 50: the loss is NaN" : null,
        };
        return new RunOutcome("dir", config, summary, Array.Empty<StepRow>(), Array.Empty<CatapultEvent>());
    }

    private static string Write(IReadOnlyList<RunOutcome> runs, Func<StudyData, double>? zeroLoss = null)
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 40, TestCount = 15, InputDimension = 4 });
        var all = zeroLoss is null ? runs : runs.Select(r => r.Summary.TestLoss is double.NaN
            ? r with { Summary = r.Summary with { TestLoss = zeroLoss(data) } } : r).ToList();
        OptimizersReport.Write(temp.Path, data, all, 1.0);
        return File.ReadAllText(Path.Combine(temp.Path, "report.md"));
    }

    [Test]
    public void ARowCountsItsDivergedRunsApartAndLeavesThemOutOfItsMeans()
    {
        var runs = new[] { Run(0, 0.1, 0.5, 0.2, 0.3), Run(1, 0.1, 0.7, 0.4, 0.5), Run(2, 0.1, null, null, null) };
        string report = Write(runs);
        var row = report.Split('\n').Single(l => Regex.IsMatch(l, @"^\| \w+ \| 0\.1 \|")).Split('|').Select(c => c.Trim()).ToArray();
        Assert.Multiple(() =>
        {
            // Columns: 3 runs, 4 diverged, 5 alignment, 8 loss spikes.
            Assert.That(row[3], Is.EqualTo("3"));
            Assert.That(row[4], Is.EqualTo("1"));
            Assert.That(row[5], Is.EqualTo("0.600 ± 0.141"));
            Assert.That(row[8], Is.EqualTo("1.0 ± 0.0"), "the diverged run's spikes are not the row's");
            // Columns 6 test loss (0.3, 0.5) and 7 train loss (0.2, 0.4), G3: sd √0.02 = 0.141.
            Assert.That(row[6], Is.EqualTo("0.4 ± 0.141"));
            Assert.That(row[7], Is.EqualTo("0.3 ± 0.141"));
        });
    }

    [Test]
    public void ARunLevelWithPredictingZeroDoesNoBetter()
    {
        // The product's own normalisation of the baseline, computed the same way, so that the run sits exactly on it.
        static double Zero(StudyData data)
        {
            using var scope = torch.NewDisposeScope();
            return data.Test.Targets.to_type(torch.float64).square().sum().item<double>() / data.Test.Count;
        }
        var runs = new[] { Run(0, 0.1, 0.9, 0.1, 1e-6), Run(1, 0.2, 0.8, 0.2, 2e-6), Run(2, 0.3, 0.7, 0.3, double.NaN), Run(3, 0.4, 0.6, 0.4, 3e-6) };
        string report = Write(runs, Zero);
        Assert.That(report, Does.Contain("; 1 of 4 runs do no better."));
    }
    // The paragraph gives the batch size, the step budget and the critical rate the SGD rates are fractions of, and a
    // row its rate in three significant digits (mutation round 22B).
    [Test]
    public void TheParagraphGivesTheBatchSizeStepBudgetAndCriticalRate()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 40, TestCount = 15, InputDimension = 4 });
        var runs = new[] { Run(0, 0.1, 0.5, 0.2, 0.3), Run(1, 0.2, 0.7, 0.4, 0.5), Run(2, 0.125, 0.6, 0.3, 0.2) };
        OptimizersReport.Write(temp.Path, data, runs, 2.5);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.That(report, Does.Contain("| Sgd | 0.125 | 1 | 0 |"), "the rate in three significant digits");
        Assert.That(report, Does.Contain("n = 40, batch size 10, 100 steps per run (step budget)"));
        Assert.That(report, Does.Contain("fractions of η_crit(GD, init) = 2.5 (momentum 0.9"));
    }

    // On a classification task the metric is the test error, not the test loss, and a run with no test error at all
    // has no log and stays out of the log correlation (mutation round 22B).
    [Test]
    public void AClassificationReportUsesTheTestErrorAndLeavesAZeroErrorOutOfItsLog()
    {
        using var temp = new TempDirectory();
        DatasetFixtures.WriteCifar(temp.Path, perBatch: 10, testCount: 10);
        using var data = StudyData.Load(new DataSettings { Dataset = "cifar10", DataRoot = temp.Path, TrainCount = 20, TestCount = 10 });
        Assert.That(data.IsClassification, Is.True);
        var values = new (double A, double Error)[] { (0.9, 0.1), (0.8, 0.3), (0.7, 0.2), (0.6, 0.6), (0.5, 0.0) };
        // Each run's test loss is far from its test error and falls as the error rises, so that the two correlate differently.
        var runs = values.Select((v, i) =>
        {
            var r = Run(i, 0.1 * (i + 1), v.A, 0.1, 0.3);
            return r with { Summary = r.Summary with { TestError = v.Error, TestLoss = 5 - v.Error } };
        }).ToList();
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);
        OptimizersReport.Write(output, data, runs, 1.0);
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        var row = report.Split('\n').Single(l => Regex.IsMatch(l, @"^\| \w+ \| 0\.3 \|")).Split('|').Select(c => c.Trim()).ToArray();
        Assert.That(row[6], Is.EqualTo("0.2 ± 0"), "column 6 is the test error");
        Assert.That(report, Does.Contain("(no true AGOP for this dataset: alignment is n/a)."), "images have no true AGOP (mutation round 27C)");
        static double Pearson(IReadOnlyList<(double X, double Y)> p)
        {
            double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
            return p.Sum(q => (q.X - mx) * (q.Y - my)) / Math.Sqrt(p.Sum(q => (q.X - mx) * (q.X - mx)) * p.Sum(q => (q.Y - my) * (q.Y - my)));
        }
        double r = Pearson(values.Select(v => (v.A, v.Error)).ToList());
        double rLog = Pearson(values.Where(v => v.Error > 0).Select(v => (v.A, Math.Log(v.Error))).ToList());
        string Cited(string pattern) => Regex.Match(report, pattern).Groups[1].Value;
        Assert.That(Cited(@"Pearson r\(alignment, test error\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)), report);
        Assert.That(Cited(@"r\(alignment, log test error\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(rLog.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)), report);
    }
}
