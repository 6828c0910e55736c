using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.GdCatapults;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests.GdCatapults;

/// <summary>
/// A hand-made gd-catapults run (step rows, catapults and rate raises given) on a 16-sample task, written through
/// <see cref="GdCatapultsReport.Write"/>; the report's counts, cells and verdicts are checked on it.
/// </summary>
internal static class PlantedGdCatapultsRun
{
    private const string Header = "step,learning_rate,batch_loss,train_loss,test_loss,lambda_max,eta_crit,agop_alignment\n";

    /// <summary>
    /// report.md of one run, labelled as <paramref name="summary"/> is, of seed <paramref name="seed"/>. Each point is a step row with its test loss and
    /// AGOP alignment (λ_max 10 and η_crit 0.2 throughout); with <paramref name="aligned"/> false the run has no true
    /// AGOP, so no alignment column.
    /// </summary>
    public static string Report(int seed, IEnumerable<(int Step, double Test, double Align)> points, IReadOnlyList<CatapultEvent> events,
        IReadOnlyList<LearningRateMilestone> raises, RunSummary summary, double learningRate, int steps, double factor, bool aligned = true)
    {
        using var temp = new TempDirectory();
        string label = summary.Label;
        string runDir = temp.Combine(label);
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "steps.csv"), aligned ? Header : Header.Replace(",agop_alignment", "", StringComparison.Ordinal));
        var rows = points.Select(p => new StepRow(p.Step, 0.5, null, 1.0, p.Test,
            aligned ? new double?[] { 10.0, 0.2, p.Align } : new double?[] { 10.0, 0.2 })).ToList();
        var config = new RunConfig
        {
            RecordEvery = 10, CheckpointEvery = 500, Experiment = "gd-catapults", Label = label, Data = new DataSettings { TrainCount = 16, TestCount = 8, InputDimension = 4 },
            Network = NetworkDescription.Default, Training = RunConfig.TrainingFor(learningRate, 16, steps, 0, 5), Seed = seed,
        };
        var run = new RunOutcome(runDir, config, summary, rows, events);
        using var data = StudyData.Load(config.Data);
        string output = temp.Combine("out");
        Directory.CreateDirectory(output);
        GdCatapultsReport.Write(output, data, new[] { (run, raises) }, factor, 10);
        return File.ReadAllText(Path.Combine(output, "report.md"));
    }
}
