using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>The batch sweep's summary table on planted runs, counted by hand: runs, diverged, converged, epochs, steps, in order of batch size. Found by mutation testing (6 Dec 2026).</summary>
public sealed class BatchSweepReportTableTests
{
    // A run folder with an empty steps.csv of the given header, and its configuration: what the report reads besides the planted rows.
    private static (string Dir, RunConfig Config) PlantedRun(TempDirectory temp, DataSettings data, int batch, int seed, string stepsHeader)
    {
        string label = batch == 40 ? $"gd-seed{seed}" : $"b{batch}-seed{seed}";
        string dir = temp.Combine("runs", label);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "steps.csv"), stepsHeader + "\n");
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "batch-sweep", Label = label, Data = data, Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(0.1, batch, 200, seed, 10), Seed = seed,
        };
        return (dir, config);
    }

    // The report of the runs, with η = 0.1 against critical rates 0.2 (GD) and 0.05, 0.08, 0.12 (b = 5); its text.
    private static string WriteReport(TempDirectory temp, BatchSweepSettings settings, DataSettings dataSettings, List<RunOutcome> runs, NetworkDescription? network = null)
    {
        var rate = new LearningRateChoice(0.1, 0.2, new[] { new BatchCriticalRates(40, new[] { 0.2 }), new BatchCriticalRates(5, new[] { 0.05, 0.08, 0.12 }) }, "fixed");
        using var data = StudyData.Load(dataSettings);
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);
        BatchSweepReport.Write(output, settings, data, network ?? NetworkDescription.Default, rate, runs);
        return File.ReadAllText(Path.Combine(output, "report.md"));
    }

    // The report's table rows, each split into its trimmed cells.
    private static List<string[]> TableRows(string report) =>
        report.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();

    [Test]
    public void TheSummaryTableCountsRunsDivergedConvergedAndEpochsPerBatchSize()
    {
        using var temp = new TempDirectory();
        var dataSettings = new DataSettings { TrainCount = 40, TestCount = 8, InputDimension = 4 };
        RunOutcome Run(int batch, int seed, string outcome, int steps)
        {
            var (dir, config) = PlantedRun(temp, dataSettings, batch, seed, "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max");
            bool diverged = outcome == "Diverged";
            var summary = new RunSummary
            {
                Label = config.Label, Outcome = outcome, Steps = steps, WallSeconds = 1, Catapults = 0,
                AgopAlignment = diverged ? null : 0.5 + seed / 10.0, TestLoss = diverged ? null : 1.0 - seed / 10.0, TrainLoss = diverged ? null : 0.5,
            };
            // One spike (training loss 0.8 → 3.0 → 0.6) after which λ_max is lower: a catapult, with too few records around it to judge its drop.
            var losses = new[] { 1.0, 0.9, 0.8, 3.0, 0.6, 0.5 };
            var lambdas = new[] { 10.0, 10.0, 10.0, 10.0, 5.0, 5.0 };
            var rows = losses.Select((l, i) => new StepRow(i * 10, 0.1, null, l, 1.0, new double?[] { lambdas[i] })).ToArray();
            return new RunOutcome(dir, config, summary, rows, Array.Empty<CatapultEvent>());
        }
        var runs = new List<RunOutcome>
        {
            Run(5, 0, "TargetLossReached", 80), Run(5, 1, "BudgetReached", 120), Run(5, 2, "Diverged", 30),
            Run(40, 0, "BudgetReached", 10), Run(40, 1, "BudgetReached", 10),
        };
        string text = WriteReport(temp, BatchSweepSettings.Quick, dataSettings, runs);

        var table = TableRows(text)
            .Where(c => c.Length == BatchSweepReport.Header.Length && c[0] != "batch size" && !c[0].StartsWith("---", StringComparison.Ordinal) && !c[0].StartsWith(":", StringComparison.Ordinal))
            .ToList();
        Assert.That(table.Select(c => c[0]), Is.EqualTo(new[] { "GD (40)", "5" }), "largest batch first");
        // batch size, runs, diverged, converged; epochs = steps × b / n over the runs that did not diverge.
        Assert.That(table[0][1..4], Is.EqualTo(new[] { "2", "0", "0" }));
        Assert.That(table[1][1..4], Is.EqualTo(new[] { "3", "1", "1" }));
        Assert.That(table[1][12], Is.EqualTo(Statistics.Format(new double?[] { 80 * 5 / 40.0, 120 * 5 / 40.0 }, "F1")));
        Assert.That(table[0][12], Is.EqualTo(Statistics.Format(new double?[] { 10.0, 10.0 }, "F1")));
        // Each run's one catapult (λ_max 10 → 5, a 50 % drop) has fewer spike-free windows around it than the drift test needs: not judged, not clear.
        Assert.That(table[1][5..8], Is.EqualTo(new[] { "0.0 ± 0.0", "1.0 ± 0.0", "50 ± 0" }), "clear, not judged, median drop");
        Assert.That(table[1][10..12], Is.EqualTo(new[] { Statistics.Format(new double?[] { 1.0, 0.9 }, "G3"), Statistics.Format(new double?[] { 0.5, 0.5 }, "G3") }), "test loss, train loss");
        // The rate table: η / median η_crit of each batch size (0.1 / 0.2 for GD; 0.1 / 0.08 for b = 5).
        var rates = TableRows(text)
            .Where(c => c.Length == 6 && c[0] != "batch size" && !c[0].StartsWith("---", StringComparison.Ordinal)).ToList();
        Assert.That(rates.Select(c => c[5]), Is.EqualTo(new[] { "0.50", "1.25" }));
        // Found by mutation testing (6 Dec 2026, round 16B). b = 5's rates 0.05, 0.08, 0.12: median 0.08, 5th percentile at
        // position 0.1 (0.053), 95th at 1.9 (0.116); η = 0.1 is above two of the three. GD's one rate of 0.2 is above η.
        Assert.That(rates[1][1..5], Is.EqualTo(new[] { "0.08", "0.053", "0.116", (2 / 3.0).ToString("P0", System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.That(rates[0][4], Is.EqualTo(0.0.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)));
        // 0.08 < η = 0.1 < 0.2: the paper's regime, stated as such.
        Assert.That(text, Does.Contain("η is below the full batch's critical rate and above the median critical rate of the smallest batches: the paper's regime.")
            .And.Not.Contain("not in the paper's regime"));
        Assert.That(table[1][13], Is.EqualTo(Statistics.Format(new double?[] { 80, 120 }, "F0")));
    }

    // Found by mutation testing (7 Dec 2026, round 21B): the catapult, spike and alignment columns read the summary's own
    // fields in their stated formats, the paragraph states the probe set, step cap and spike threshold the runs used, and the runs table
    // keeps the test loss before the training loss.
    [Test]
    public void TheTableAndParagraphGiveCatapultsSpikesAlignmentProbesAndTheStepCap()
    {
        using var temp = new TempDirectory();
        var dataSettings = new DataSettings { TrainCount = 40, TestCount = 8, InputDimension = 4 };
        RunOutcome Run(int batch, int seed)
        {
            var (dir, planted) = PlantedRun(temp, dataSettings, batch, seed, "step,learning_rate,batch_loss,train_loss,test_loss");
            var config = planted with { DetectorRiseFactor = 3 };
            // Catapults 3 and 4, spikes 7 and 9, alignment 0.5 and 0.6; test loss 0.25, training loss 0.125.
            var summary = new RunSummary
            {
                Label = config.Label, Outcome = "BudgetReached", Steps = 50, WallSeconds = 1, Catapults = 3 + seed, Spikes = 7 + 2 * seed,
                AgopAlignment = 0.5 + seed / 10.0, TestLoss = 0.25, TrainLoss = 0.125,
            };
            var rows = new[] { new StepRow(0, 0.1, null, 1.0, 1.0, Array.Empty<double?>()) };
            return new RunOutcome(dir, config, summary, rows, Array.Empty<CatapultEvent>());
        }
        var runs = new List<RunOutcome> { Run(40, 0), Run(40, 1), Run(5, 0), Run(5, 1) };
        string text = WriteReport(temp, BatchSweepSettings.Quick with { MaxSteps = 70 }, dataSettings, runs);

        var cells = TableRows(text);
        var table = cells.Where(c => c.Length == BatchSweepReport.Header.Length && c[0] == "5").Single();
        Assert.That(table[4], Is.EqualTo(Statistics.Format(new double?[] { 3, 4 }, "F1")), "catapults");
        Assert.That(table[8], Is.EqualTo(Statistics.Format(new double?[] { 7, 9 }, "F1")), "spikes");
        Assert.That(table[9], Is.EqualTo(Statistics.Format(new double?[] { 0.5, 0.6 }, "F3")).And.StartWith("0.550 ± "), "AGOP alignment");
        // Quick's probe set of 128 is cut to the 40 training samples there are.
        Assert.That(text, Does.Contain("a probe set of 40 training samples"));
        Assert.That(text, Does.Contain("rises above 3 × its recent minimum"), "the runs' own spike threshold");
        Assert.That(text, Does.Contain($"full-batch GD for at most {BatchSweepSettings.Quick.GdMaxSteps} steps, every run for at most 70 steps;"));
        // Runs table: run, outcome, steps, catapults, spikes, alignment, test loss, training loss, wall s.
        var runRow = cells.Single(c => c[0].StartsWith("[b5-seed1]", StringComparison.Ordinal));
        Assert.That(runRow[1..8], Is.EqualTo(new[] { "BudgetReached", "50", "4", "9", "0.600", "0.25", "0.125" }));
    }

    // Found by mutation testing (7 Dec 2026, round 31B): the epochs column keeps the fraction of an epoch (steps × b / n
    // in floating point), a verdict the runs could not judge reads "not tested" in the report, and the paragraphs give
    // the mini-batch epochs, the record interval and whether the network has biases (fcn-2 has them unless told not to).
    [Test]
    public void TheReportKeepsFractionalEpochsNotTestedVerdictsAndTheRunsEpochsIntervalAndBiases()
    {
        using var temp = new TempDirectory();
        var dataSettings = new DataSettings { TrainCount = 40, TestCount = 8, InputDimension = 4 };
        RunOutcome Run(int batch, int seed, int steps, double? testLoss)
        {
            var (dir, config) = PlantedRun(temp, dataSettings, batch, seed, "step,learning_rate,batch_loss,train_loss,test_loss");
            var summary = new RunSummary
            {
                Label = config.Label, Outcome = "BudgetReached", Steps = steps, WallSeconds = 1, Catapults = 0, AgopAlignment = 0.5, TestLoss = testLoss, TrainLoss = 0.125,
            };
            var rows = new[] { new StepRow(0, 0.1, null, 1.0, 1.0, Array.Empty<double?>()) };
            return new RunOutcome(dir, config, summary, rows, Array.Empty<CatapultEvent>());
        }
        // b = 5 ran 3 and 5 steps of 5 of the 40 samples (0.375 and 0.625 epochs) and recorded no test loss.
        var runs = new List<RunOutcome> { Run(40, 0, 10, 0.25), Run(40, 1, 10, 0.25), Run(5, 0, 3, null), Run(5, 1, 5, null) };
        var network = new NetworkDescription { Architecture = "fcn-2", Width = 16, UseBias = false };
        var quick = BatchSweepSettings.Quick;
        string text = WriteReport(temp, quick, dataSettings, runs, network);
        // A network that leaves its biases to the architecture (null) has them: fcn-2's default.
        string architectureDefault = WriteReport(temp, quick, dataSettings, runs);

        var cells = TableRows(text);
        var row = cells.Single(c => c.Length == BatchSweepReport.Header.Length && c[0] == "5");
        var testLoss = cells.Single(c => c.Length == 3 && c[0] == "test loss decreases as the batch size decreases");
        Assert.Multiple(() =>
        {
            Assert.That(row[12], Is.EqualTo(Statistics.Format(new double?[] { 0.375, 0.625 }, "F1")).And.StartWith("0.5 ± "), "epochs");
            Assert.That(testLoss[1], Is.EqualTo("not tested"), string.Join(" | ", testLoss));
            Assert.That(text, Does.Contain($"every mini-batch run trains for at most {quick.Epochs} epochs, full-batch GD for at most {quick.GdMaxSteps} steps;"));
            Assert.That(text, Does.Contain($"(evaluated every {quick.RecordEvery} steps)"));
            Assert.That(text, Does.Contain("without biases (the paper's network"));
            Assert.That(architectureDefault, Does.Contain(" with biases, NTK parameterisation").And.Not.Contain("without biases"));
        });
    }
}
