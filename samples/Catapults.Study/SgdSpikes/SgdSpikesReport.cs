using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.SgdSpikes;

/// <summary>Figures and report of sgd-spikes.</summary>
public static class SgdSpikesReport
{
    /// <summary>Writes report.md and the figures, and prints the summary table.</summary>
    public static void Write(string output, StudyData data, IReadOnlyList<SpikeRun> runs, int s)
    {
        var header = new[]
        {
            "run", "outcome", "η", "η_crit(GD, init)", "spikes", "catapults", "clear catapults", "spikes starting where η > η_crit(batch)", "expected by chance",
            $"spikes rising mostly in PL_{s}", "steps with η > η_crit(batch)", "test loss", "AGOP alignment",
        };
        var rows = runs.Select(r =>
        {
            var above = r.SpikeStartsAboveCritical();
            var inTop = r.SpikeRisesInTopEigenspace(s);
            var summary = r.Outcome.Summary;
            string outcome = summary.Outcome == nameof(TrainingOutcome.Diverged) ? $"diverged after {summary.Steps} steps" : summary.Outcome;
            return (IReadOnlyList<string>)new[]
            {
                r.Outcome.Config.Label, outcome, F(r.Outcome.Config.Training.LearningRate), F(r.FullBatchCriticalRate), above.Count.ToString(CultureInfo.InvariantCulture),
                summary.Catapults.ToString(CultureInfo.InvariantCulture),
                $"{r.ClearSpikes.Count} ({r.UnjudgedSpikes} spikes not judged)",
                $"{above.Count(a => a)} of {above.Count}", (above.Count * r.WindowFractionAboveCritical).ToString("F1", CultureInfo.InvariantCulture),
                $"{inTop.Count(t => t == true)} of {inTop.Count(t => t is not null)}",
                (100 * r.FractionAboveCritical).ToString("F1", CultureInfo.InvariantCulture) + " %",
                F(r.Outcome.Summary.TestLoss), F(r.Outcome.Summary.AgopAlignment),
            };
        }).ToList();
        MarkdownReport.Print(header, rows);
        var verdicts = SpikeVerdicts.Judge(runs, s);
        string[] verdictHeader = { "claim", "verdict", "evidence" };
        var verdictRows = verdicts.Select(v => (IReadOnlyList<string>)new[] { v.Claim, v.Word, v.Evidence }).ToList();
        MarkdownReport.Print(verdictHeader, verdictRows);
        var report = new MarkdownReport("SGD spikes: per-batch critical rates and the loss in the top NTK eigendirections")
            .Paragraph($"SGD with a fixed η on {data.Name} (n = {data.Train.Count}). η_crit(batch) = b / λ_max(K_batch) of every step's batch at the " +
                       $"weights before the update. A spike is a catapult episode of the full training loss recorded every {runs[0].Outcome.Config.RecordEvery} " +
                       "steps (rise above 2 × the running baseline that comes back); a catapult is a spike after which λ_max of the probe set (recorded at the same steps) " +
                       "is lower, and a clear one lowers it beyond λ_max's own drift between spikes (a one-sided rank test at 5 %, as in batch-sweep). A spike's start is the last recorded low point, so the rise began at one " +
                       $"of the {runs[0].Outcome.Config.RecordEvery} steps from there. The table counts spikes with η > η_crit(batch) at one of those steps, and the " +
                       "count expected by chance (spikes × the share of all such windows that hold a step with η > η_crit(batch)). " +
                       $"PL_{s} is the probe-set loss in the span of the top {s} NTK eigenvectors of the probe set, PL_{s}⊥ the rest " +
                       $"(probe indices in each run's config.json); a spike rises mostly in PL_{s} when PL_{s} grew more than PL_{s}⊥ from its start to its peak, " +
                       "as the catapult mechanism predicts. Unless --rate-fraction or --learning-rate sets it, η is the median critical rate of the " +
                       "first epoch's batches at initialisation, so it lies inside their spread: at the start about half the batches are above their " +
                       "critical rate, the paper's regime for spikes.")
            .Table(header, rows)
            .Heading("Verdicts")
            .Paragraph($"Rule, fixed before the runs: {SpikeVerdicts.Rule}.")
            .Table(verdictHeader, verdictRows);
        foreach (var r in runs)
        {
            string label = r.Outcome.Config.Label;
            var markers = r.Spikes.Select(e => (double)e.StartStep).ToList();
            Plots.Draw(Path.Combine(output, $"{label}-critical-rates.png"), "η_crit of each batch against the fixed η (dashed: spike starts)", "step", "rate",
                new[]
                {
                    new Series("η_crit(batch)", r.CriticalRates.Select(c => (double)c.Step).ToList(), r.CriticalRates.Select(c => c.Value).ToList()),
                    new Series("η", r.CriticalRates.Select(c => (double)c.Step).ToList(), r.CriticalRates.Select(c => c.LearningRate).ToList()),
                }, lines: true, logY: true, markers, "spike start");
            var rec = r.Records.Where(x => x.ProjectedLosses.Count >= s).ToList();
            var st = rec.Select(x => (double)x.Step).ToList();
            Plots.Draw(Path.Combine(output, $"{label}-projected-losses.png"), $"Probe-set loss split by the top {s} NTK eigendirections (dashed: spike starts)", "step", "loss",
                new[]
                {
                    new Series("probe loss", st, rec.Select(x => x.ProbeLoss ?? double.NaN).ToList()),
                    new Series($"PL_{s}", st, rec.Select(x => x.ProjectedLosses[s - 1]).ToList()),
                    new Series($"PL_{s}⊥", st, rec.Select(x => x.OrthogonalLosses[s - 1]).ToList()),
                }, lines: true, logY: true, markers, "spike start");
            report.Heading(label).Image("critical rates", $"{label}-critical-rates.png").Image("projected losses", $"{label}-projected-losses.png");
        }
        Console.WriteLine($"report: {report.Write(output)}");
    }

    private static string F(double? v) => v is double d && double.IsFinite(d) ? d.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
}
