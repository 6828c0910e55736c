using System.Globalization;
using System.Text.RegularExpressions;
using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;
using Catapults.Study.OptimizerComparison;

namespace Catapults.Study.Tests;

/// <summary>
/// The optimizers report's common-cause sentence on hand-made runs, recomputed by hand: the correlations, the partial
/// correlation of alignment and test loss given the training loss, r_xy·z = (r_xy − r_xz r_yz) / √((1 − r_xz²)(1 − r_yz²)),
/// and the test loss of predicting 0, (1/n_test) Σ y², against which only the runs that did not diverge are counted.
/// Found by mutation testing (6 Dec 2026). The correlation over the runs that did not diverge, of the test loss and of
/// its log, is recomputed the same way (round 17B).
/// </summary>
public sealed class OptimizersConfoundingTests
{
    private static double Pearson(IReadOnlyList<(double X, double Y)> p)
    {
        double mx = p.Average(q => q.X), my = p.Average(q => q.Y);
        double sxy = p.Sum(q => (q.X - mx) * (q.Y - my)), sxx = p.Sum(q => (q.X - mx) * (q.X - mx)), syy = p.Sum(q => (q.Y - my) * (q.Y - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    private static RunOutcome Run(int i, double? alignment, double? train, double? test)
    {
        string label = $"sgd-run{i}";
        var config = new RunConfig
        {
            CheckpointEvery = 500, Experiment = "optimizers", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1 * (i + 1), 10, 100, 0, 10), Seed = 0, RecordEvery = 10,
        };
        bool diverged = test is null;
        var summary = new RunSummary
        {
            Label = label, Outcome = diverged ? "Diverged" : "BudgetReached", Steps = 100, WallSeconds = 0, Catapults = 0,
            AgopAlignment = alignment, TrainLoss = train, TestLoss = test, Divergence = diverged ? "step 50: the loss is NaN" : null,
        };
        return new RunOutcome("dir", config, summary, Array.Empty<StepRow>(), Array.Empty<CatapultEvent>());
    }

    private static double Number(string report, string pattern)
    {
        var m = Regex.Match(report, pattern);
        Assert.That(m.Success, Is.True, pattern + "\n" + report);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Test]
    public void TheCommonCauseSentenceMatchesTheRunsByHand()
    {
        using var temp = new TempDirectory();
        // Fewer test samples than training samples, so that the baseline's normalisation is visible.
        using var data = StudyData.Load(new DataSettings { TrainCount = 40, TestCount = 15, InputDimension = 4 });
        var values = new (double A, double Train, double Test)[] { (0.9, 0.1, 0.3), (0.8, 0.2, 0.5), (0.7, 0.25, 0.4), (0.6, 0.4, 0.9), (0.5, 0.5, 50.0) };
        var runs = values.Select((v, i) => Run(i, v.A, v.Train, v.Test)).Append(Run(values.Length, null, null, null)).ToList();
        OptimizersReport.Write(temp.Path, data, runs, 1.0);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));

        double rAT = Pearson(values.Select(v => (v.A, v.Train)).ToList());
        double rTT = Pearson(values.Select(v => (v.Test, v.Train)).ToList());
        double rAX = Pearson(values.Select(v => (v.A, v.Test)).ToList());
        double partial = (rAX - rAT * rTT) / Math.Sqrt((1 - rAT * rAT) * (1 - rTT * rTT));
        var y = data.Test.Targets.data<float>().ToArray();
        Assert.That(y.Length, Is.EqualTo(15));
        double zero = y.Sum(v => (double)v * v) / 15;
        int noBetter = values.Count(v => v.Test >= zero);

        Assert.Multiple(() =>
        {
            Assert.That(Number(report, @"r\(alignment, train loss\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(rAT).Within(0.0006));
            Assert.That(Number(report, @"r\(test loss, train loss\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(rTT).Within(0.0006));
            Assert.That(Number(report, @"given the training loss \(partial\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(partial).Within(0.0006));
            Assert.That(Number(report, @"Predicting 0 gives a test loss of ([0-9.eE+-]+);"), Is.EqualTo(zero).Within(zero * 0.006));
            Assert.That(report, Does.Contain($"; {noBetter} of 5 runs do no better."), "the diverged run is not one of them");
        });
    }

    [Test]
    public void TheCorrelationSentenceCountsAndCorrelatesOnlyTheRunsThatDidNotDiverge()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(new DataSettings { TrainCount = 40, TestCount = 15, InputDimension = 4 });
        var values = new (double A, double Train, double Test)[] { (0.9, 0.1, 0.3), (0.8, 0.2, 0.5), (0.7, 0.25, 0.4), (0.6, 0.4, 0.9), (0.5, 0.5, 50.0) };
        // The diverged run keeps an alignment, which must not enter the correlation.
        var diverged = Run(values.Length, 0.1, null, null);
        var runs = values.Select((v, i) => Run(i, v.A, v.Train, v.Test)).Append(diverged).ToList();
        OptimizersReport.Write(temp.Path, data, runs, 1.0);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));

        double r = Pearson(values.Select(v => (v.A, v.Test)).ToList());
        double rLog = Pearson(values.Select(v => (v.A, Math.Log(v.Test))).ToList());
        Assert.That(Math.Abs(r - rLog), Is.GreaterThan(0.05), "the test loss and its log correlate differently here");
        Assert.Multiple(() =>
        {
            Assert.That(report, Does.Contain("Correlation across the 5 runs that did not diverge: Pearson r(alignment, test loss) = "));
            Assert.That(Number(report, @"Pearson r\(alignment, test loss\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(r).Within(0.0006));
            Assert.That(Number(report, @"r\(alignment, log test loss\) = (-?[0-9]+\.[0-9]+)"), Is.EqualTo(rLog).Within(0.0006));
            Assert.That(report, Does.Not.Contain("no true AGOP"), "the synthetic task has its true AGOP");
        });
    }
}
