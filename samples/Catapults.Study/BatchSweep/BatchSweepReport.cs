using System.Globalization;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.BatchSweep;

/// <summary>The batch sweep's table (console and report.md) and figures.</summary>
public static class BatchSweepReport
{
    /// <summary>Header of the summary table.</summary>
    public static readonly string[] Header = { "batch size", "runs", "diverged", "catapults", "AGOP alignment", "test loss", "train loss", "steps" };

    /// <summary>Writes report.md, alignment-vs-test-loss.png and loss-curves.png, and prints the table.</summary>
    public static void Write(string output, BatchSweepSettings settings, StudyData data, NetworkChoice network, double etaCrit, double eta, IReadOnlyList<RunOutcome> runs)
    {
        var groups = runs.GroupBy(r => r.Config.BatchSize).OrderByDescending(g => g.Key).ToList();
        int n = data.Train.Count;
        var rows = groups.Select(g =>
        {
            var ok = g.Where(r => r.Summary.Outcome != "Diverged").ToList();
            return (IReadOnlyList<string>)new[]
            {
                g.Key == n ? $"GD ({n})" : g.Key.ToString(CultureInfo.InvariantCulture),
                g.Count().ToString(CultureInfo.InvariantCulture),
                (g.Count() - ok.Count).ToString(CultureInfo.InvariantCulture),
                Statistics.Format(ok.Select(r => (double?)r.Summary.Catapults), "F1"),
                Statistics.Format(ok.Select(r => r.Summary.AgopAlignment), "F3"),
                Statistics.Format(ok.Select(r => r.Summary.TestLoss), "G3"),
                Statistics.Format(ok.Select(r => r.Summary.TrainLoss), "G3"),
                Statistics.Format(ok.Select(r => (double?)r.Summary.Steps), "F0"),
            };
        }).ToList();
        MarkdownReport.Print(Header, rows);

        Plots.Draw(Path.Combine(output, "alignment-vs-test-loss.png"), "AGOP alignment against test loss (one point per run)",
            "AGOP alignment with the true AGOP", "test loss",
            groups.Select(g => new Series(g.Key == n ? "GD" : $"b = {g.Key}",
                g.Select(r => r.Summary.AgopAlignment ?? double.NaN).ToList(), g.Select(r => r.Summary.TestLoss ?? double.NaN).ToList())).ToList(),
            lines: false, logY: true);
        Plots.Draw(Path.Combine(output, "loss-curves.png"), "Full training loss (seed 0)", "step", "training loss",
            groups.Select(g => g.First()).Select(r => new Series(r.Config.BatchSize == n ? "GD" : $"b = {r.Config.BatchSize}",
                r.Rows.Select(x => (double)x.Step).ToList(), r.Rows.Select(x => x.TrainLoss).ToList())).ToList(),
            lines: true, logY: true);

        var report = new MarkdownReport("Batch sweep: catapults, AGOP alignment and generalisation")
            .Paragraph($"Task {data.Name}, n = {n}, test {data.Test.Count}; {network.Architecture} (width {network.Width?.ToString(CultureInfo.InvariantCulture) ?? "default"}{(network.UseBias == false ? ", no biases" : "")}, NTK parameterisation, ReLU), " +
                       $"MSE L = (1/b) Σ‖f(x) − y‖². One learning rate for every run: η = {eta:G4} = {eta / etaCrit:G3} × η_crit, where η_crit = {etaCrit:G4} " +
                       "is the full-batch critical rate (b / λ_max(K)) of the seed-0 network at initialisation, so full-batch GD stays below it while " +
                       "small batches (whose own η_crit is smaller) can catapult.")
            .Paragraph($"Stopping rule: each run trains until the full training loss (evaluated every {settings.RecordEvery} steps) is at or below " +
                       $"{settings.TargetLoss:G3}, or until the budget of {settings.MaxSteps} steps, whichever comes first (the 'steps' column). " +
                       $"Catapults are counted by the catapult detector on the full training loss recorded every {settings.RecordEvery} steps " +
                       "(a rise above 2 × the running baseline that comes back). AGOP alignment is the cosine of the trained network's AGOP on the " +
                       "test inputs with the true AGOP. Values are mean ± sd over seeds of the runs that did not diverge.")
            .Table(Header, rows)
            .Image("AGOP alignment against test loss", "alignment-vs-test-loss.png")
            .Image("Training loss curves", "loss-curves.png")
            .Heading("Runs")
            .Table(new[] { "run", "outcome", "steps", "catapults", "alignment", "test loss", "train loss", "wall s" },
                runs.Select(r => (IReadOnlyList<string>)new[]
                {
                    $"[{r.Config.Label}](runs/{r.Config.Label}/summary.json)", r.Summary.Outcome, r.Summary.Steps.ToString(CultureInfo.InvariantCulture),
                    r.Summary.Catapults.ToString(CultureInfo.InvariantCulture), Fmt(r.Summary.AgopAlignment, "F3"), Fmt(r.Summary.TestLoss, "G4"),
                    Fmt(r.Summary.TrainLoss, "G4"), r.Summary.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
                }));
        string path = report.Write(output);
        Console.WriteLine($"report: {path}");
    }

    private static string Fmt(double? v, string f) => v is double d ? d.ToString(f, CultureInfo.InvariantCulture) : "n/a";
}
