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
            Experiment = "optimizers", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
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
}
