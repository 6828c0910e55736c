using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.GdCatapults;

/// <summary>Figures and report of gd-catapults.</summary>
public static class GdCatapultsReport
{
    /// <summary>Writes the figures (per seed) and report.md, and prints the per-catapult table.</summary>
    public static void Write(string output, StudyData data, IReadOnlyList<(RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises)> runs, double factor, int phase)
    {
        var report = new MarkdownReport("GD catapults: the learning rate raised above η_crit in steps")
            .Paragraph($"Full-batch GD on {data.Name} (n = {data.Train.Count}). The rate starts below η_crit; every {phase} steps it is raised to " +
                       $"{factor:G3} × η_crit(full batch) at that step, so each raise is above the current critical rate. λ_max is the top eigenvalue of " +
                       "the NTK Gram matrix K on the training inputs and η_crit = n / λ_max (MSE, L = (1/n) Σ‖f − y‖²). Catapults are detected on the " +
                       "recorded training loss and must lower λ_max. The rows after each catapult are taken at its end step (the loss back at its start level).");
        var header = new[]
        {
            "run", "catapult", "start", "peak", "end", "peak / start loss", "λ_max before", "λ_max after", "test loss before", "test loss after",
            "AGOP alignment before", "AGOP alignment after", "alignment up, test loss down",
        };
        var rows = new List<IReadOnlyList<string>>();
        int catapults = 0, alignmentUp = 0, testDown = 0, both = 0, beforeRaise = 0, unaligned = 0;
        var diverged = new List<string>();
        foreach (var (run, raises) in runs)
        {
            if (run.Summary.Outcome == nameof(TrainingOutcome.Diverged)) diverged.Add($"{run.Config.Label} ({run.Summary.Divergence})");
            // The claim is about catapults that a raise above η_crit set off; one before the first raise is not one.
            int firstRaise = raises.Count > 0 ? raises.Min(m => m.Step) : int.MaxValue;
            int alignCol = run.ExtraColumn("agop_alignment");
            int k = 0;
            foreach (var e in run.Events)
            {
                var before = run.Rows.LastOrDefault(r => r.Step <= e.StartStep) ?? run.Rows[0];
                var after = run.Rows.FirstOrDefault(r => r.Step >= e.EndStep) ?? run.Rows[^1];
                double? alignBefore = alignCol >= 0 ? before.Extra[alignCol] : null, alignAfter = alignCol >= 0 ? after.Extra[alignCol] : null;
                bool? up = alignBefore is double ab && alignAfter is double aa ? aa > ab : null;
                bool down = after.TestLoss < before.TestLoss;
                bool raised = e.StartStep >= firstRaise;
                if (raised)
                {
                    catapults++;
                    if (up is null) unaligned++;
                    if (up == true) alignmentUp++;
                    if (down) testDown++;
                    if (up == true && down) both++;
                }
                else beforeRaise++;
                rows.Add(new[]
                {
                    run.Config.Label, (++k).ToString(CultureInfo.InvariantCulture), e.StartStep.ToString(CultureInfo.InvariantCulture),
                    e.PeakStep.ToString(CultureInfo.InvariantCulture), e.EndStep.ToString(CultureInfo.InvariantCulture), e.PeakRatio.ToString("F2", CultureInfo.InvariantCulture),
                    F(e.SharpnessBefore), F(e.SharpnessAfter), F(before.TestLoss), F(after.TestLoss), F(alignBefore), F(alignAfter),
                    !raised ? "not counted (before the first raise)" : up is null ? "n/a (no true AGOP)" : up == true && down ? "yes" : "no",
                });
            }
            string png = $"{run.Config.Label}-dynamics.png";
            DrawDynamics(Path.Combine(output, png), run);
            report.Heading(run.Config.Label)
                .Paragraph($"Outcome {run.Summary.Outcome} after {run.Summary.Steps} steps; {run.Summary.Catapults} catapults; final test loss {F(run.Summary.TestLoss)}, " +
                           $"AGOP alignment {F(run.Summary.AgopAlignment)}. Raises: " +
                           string.Join(", ", raises.Select(m => $"step {m.Step} → η = {m.Rate:G4}")) + $" (initial η = {run.Config.Training.LearningRate:G4}).")
                .Image("loss, λ_max and η_crit", png);
        }
        // Without a true AGOP (real data) a catapult's alignment is not measured, so the claim cannot be judged on it.
        var outcome = catapults == 0 || unaligned > 0 ? VerdictOutcome.NotTested : VerdictOutcomeText.Judged(both == catapults);
        string verdict = (catapults == 0
            ? $"Verdict: {outcome.Word()}: no catapult followed a raise, so the claim that catapults raise AGOP alignment and lower the test loss could not be judged."
            : unaligned > 0
            ? $"Verdict: {outcome.Word()}: {unaligned} of {catapults} catapults have no AGOP alignment (no true AGOP for this data), so the claim that catapults raise it " +
              $"could not be judged; {testDown} of {catapults} lowered the test loss."
            : $"Verdict: {alignmentUp} of {catapults} catapults raised AGOP alignment, {testDown} of {catapults} lowered the test loss, and {both} of {catapults} did both " +
              $"(before: the recorded row at the catapult's start; after: the first row at or after its end). The claim, that every catapult does both, {outcome.Word()}" +
              (both == catapults ? "." : $": {catapults - both} of {catapults} do not."))
            + (beforeRaise > 0 ? $" {beforeRaise} catapult(s) before the first raise are listed but not counted." : "")
            + (diverged.Count > 0 ? $" Diverged: {string.Join("; ", diverged)}; their catapults before the divergence are counted, and nothing after it was recorded." : "");
        report.Heading("After each catapult").Table(header, rows).Paragraph(verdict);
        MarkdownReport.Print(header, rows);
        Console.WriteLine(verdict);
        Console.WriteLine($"report: {report.Write(output)}");
    }


    private static void DrawDynamics(string path, RunOutcome run)
    {
        int lam = run.ExtraColumn("lambda_max"), crit = run.ExtraColumn("eta_crit");
        var steps = run.Rows.Select(r => (double)r.Step).ToList();
        var markers = run.Events.Select(e => (double)e.StartStep).ToList();
        string stem = path[..^4];
        Plots.Draw(stem + "-loss.png", "Training and test loss (dashed: catapult starts)", "step", "loss",
            new[] { new Series("train", steps, run.Rows.Select(r => r.TrainLoss).ToList()), new Series("test", steps, run.Rows.Select(r => r.TestLoss).ToList()) },
            lines: true, logY: true, markers, "catapult", height: 380);
        Plots.Draw(stem + "-sharpness.png", "λ_max(K) (dashed: catapult starts)", "step", "λ_max",
            new[] { new Series("λ_max(K)", steps, run.Rows.Select(r => r.Extra[lam] ?? double.NaN).ToList()) }, lines: true, logY: true, markers, "catapult", height: 380);
        Plots.Draw(stem + "-rates.png", "η_crit and η (dashed: catapult starts)", "step", "rate",
            new[]
            {
                new Series("η_crit = n / λ_max", steps, run.Rows.Select(r => r.Extra[crit] ?? double.NaN).ToList()),
                new Series("η", steps, run.Rows.Select(r => r.LearningRate).ToList()),
            }, lines: true, logY: true, markers, "catapult", height: 380);
        Plots.Stack(path, new[] { stem + "-loss.png", stem + "-sharpness.png", stem + "-rates.png" });
    }

    private static string F(double? v) => v is double d && double.IsFinite(d) ? d.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
}
