using Catapults.Study.Infrastructure;

namespace Catapults.Study.OptimizerComparison;

/// <summary>Table, correlation and figure of the optimiser comparison.</summary>
public static class OptimizersReport
{
    /// <summary>
    /// Every run stops at the same step budget, not at the same training loss, so how far a run got drives both its
    /// alignment and its test performance: the report gives r(alignment, train loss), the partial correlation of
    /// alignment and test performance given the training loss, and the test loss of predicting 0.
    /// </summary>
    private static string Confounding(IReadOnlyList<RunOutcome> ok, Func<RunOutcome, double?> test, string metric, StudyData data)
    {
        double rTrain = Statistics.Pearson(ok.Select(r => (r.Summary.AgopAlignment, r.Summary.TrainLoss)));
        double rTestTrain = Statistics.Pearson(ok.Select(r => (test(r), r.Summary.TrainLoss)));
        double rAlignTest = Statistics.Pearson(ok.Select(r => (r.Summary.AgopAlignment, test(r))));
        double partial = (rAlignTest - rTrain * rTestTrain) / Math.Sqrt((1 - rTrain * rTrain) * (1 - rTestTrain * rTestTrain));
        double zero = data.IsClassification ? double.NaN : Baseline(data);
        string baseline = data.IsClassification ? "" : string.Create(CultureInfo.InvariantCulture,
            $" Predicting 0 gives a test loss of {zero:G3}; {ok.Count(r => r.Summary.TestLoss >= zero)} of {ok.Count} runs do no better.");
        return string.Create(CultureInfo.InvariantCulture,
            $"The runs share a step budget, not a training loss, so the training loss they reached is a common cause: r(alignment, train loss) = {rTrain:F3}, " +
            $"r({metric}, train loss) = {rTestTrain:F3}, and r(alignment, {metric}) given the training loss (partial) = {partial:F3}.{baseline}");
    }

    // The test loss of the zero predictor, (1/n) Σ‖y‖², in the engine's normalisation.
    private static double Baseline(StudyData data)
    {
        using var scope = torch.NewDisposeScope();
        return data.Test.Targets.to_type(torch.float64).square().sum().item<double>() / data.Test.Count;
    }

    /// <summary>Writes report.md and alignment-vs-test.png and prints the table.</summary>
    public static void Write(string output, StudyData data, IReadOnlyList<RunOutcome> runs, double etaCrit)
    {
        bool classification = data.IsClassification;
        string metric = classification ? "test error" : "test loss";
        double? Test(RunOutcome r) => classification ? r.Summary.TestError : r.Summary.TestLoss;
        // This experiment records no λ_max, so its spikes are never tested for the drop that makes a catapult.
        var header = new[] { "optimizer", "η", "runs", "diverged", "AGOP alignment", metric, "train loss", "loss spikes" };
        var rows = runs.GroupBy(r => (Optimizer: r.Config.Training.Optimizer.ToString(), r.Config.Training.LearningRate)).Select(g =>
        {
            var ok = g.Where(r => r.Summary.Outcome != "Diverged").ToList();
            return (IReadOnlyList<string>)new[]
            {
                g.Key.Optimizer, g.Key.LearningRate.ToString("G3", CultureInfo.InvariantCulture), g.Count().ToString(CultureInfo.InvariantCulture),
                (g.Count() - ok.Count).ToString(CultureInfo.InvariantCulture), Statistics.Format(ok.Select(r => r.Summary.AgopAlignment), "F3"),
                Statistics.Format(ok.Select(Test), "G3"), Statistics.Format(ok.Select(r => r.Summary.TrainLoss), "G3"),
                Statistics.Format(ok.Select(r => (double?)r.Summary.Spikes), "F1"),
            };
        }).ToList();
        MarkdownReport.Print(header, rows);
        var pairs = runs.Where(r => r.Summary.Outcome != "Diverged").Select(r => (r.Summary.AgopAlignment, Test(r))).ToList();
        double pearson = Statistics.Pearson(pairs);
        double pearsonLog = Statistics.Pearson(pairs.Select(p => (p.AgopAlignment, p.Item2 is double t && t > 0 ? Math.Log(t) : (double?)null)));
        string correlation = $"Correlation across the {pairs.Count} runs that did not diverge: Pearson r(alignment, {metric}) = {pearson:F3}; " +
                             $"r(alignment, log {metric}) = {pearsonLog:F3}" + (data.ReferenceAgop is null ? " (no true AGOP for this dataset: alignment is n/a)." : ".") +
                             " " + Confounding(runs.Where(r => r.Summary.Outcome != "Diverged").ToList(), Test, metric, data);
        Console.WriteLine(correlation);
        Plots.Draw(Path.Combine(output, "alignment-vs-test.png"), $"AGOP alignment against {metric} (one point per run)", "AGOP alignment with the true AGOP", metric,
            runs.GroupBy(r => r.Config.Training.Optimizer.ToString()).Select(g => new Series(g.Key,
                g.Select(r => r.Summary.AgopAlignment ?? double.NaN).ToList(), g.Select(r => Test(r) ?? double.NaN).ToList())).ToList(),
            lines: false, logY: true);
        var report = new MarkdownReport("Optimisers: AGOP alignment and test performance")
            .Paragraph($"{data.Name}, n = {data.Train.Count}, batch size {runs[0].Config.BatchSize}, {runs[0].Config.MaxSteps} steps per run (step budget). " +
                       $"SGD and momentum rates are fractions of η_crit(GD, init) = {etaCrit:G4} (momentum 0.9, rates 10× smaller for the same effective step); " +
                       "Adam, RMSprop and Adagrad use their usual absolute rates. Values are mean ± sd over seeds of the runs that did not diverge.")
            .Table(header, rows)
            .Paragraph(correlation)
            .Image("alignment against test performance", "alignment-vs-test.png");
        Console.WriteLine($"report: {report.Write(output)}");
    }
}
