using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.Study.Infrastructure;
using Catapults.Study.SgdSpikes;

namespace Catapults.Study.Tests.SgdSpikes;

/// <summary>
/// A hand-made sgd-spikes run whose answers are known: 20 steps at η = <see cref="Eta"/> recorded every 5, the spikes
/// given, and η_crit(batch) at each step from a function (none: no critical-rate records). The counts, verdicts and
/// report tables are checked on these.
/// </summary>
internal static class PlantedSpikeRun
{
    /// <summary>The learning rate of every step.</summary>
    public const double Eta = 1.0;

    /// <summary>Spike A starts at 5 and peaks at 10, spike B starts at 10 and peaks at 15.</summary>
    public static IReadOnlyList<CatapultEvent> TwoSpikes { get; } =
        new[] { new CatapultEvent(5, 10, 15, 1, 4, 1, null, null), new CatapultEvent(10, 15, 20, 1, 4, 1, null, null) };

    /// <summary>
    /// The run. Its summary counts <paramref name="catapults"/> (default: the spikes) and <paramref name="spikes"/>;
    /// <paramref name="clear"/> and <paramref name="unjudged"/> are the drift test's clear catapults and the spikes it
    /// could not judge.
    /// </summary>
    public static SpikeRun Create(IReadOnlyList<CatapultEvent> events, Func<int, double>? criticalRate,
        IReadOnlyList<DiagnosticsRecord>? records = null, IReadOnlyList<CatapultEvent>? clear = null, int unjudged = 0,
        string label = "test", string outcome = "BudgetReached", int steps = 20, int? catapults = null, int spikes = 0)
    {
        var config = new RunConfig
        {
            CheckpointEvery = 500, Experiment = "sgd-spikes", Label = label, Data = new DataSettings(), Network = NetworkDescription.Default,
            Training = RunConfig.TrainingFor(Eta, 10, 20, 0, 5), Seed = 0, RecordEvery = 5,
        };
        var summary = new RunSummary
        {
            Label = label, Outcome = outcome, Steps = steps, WallSeconds = 0, Catapults = catapults ?? events.Count, Spikes = spikes,
        };
        var run = new RunOutcome("dir", config, summary, Array.Empty<StepRow>(), events);
        var rates = criticalRate is null
            ? new List<CriticalRateRecord>()
            : Enumerable.Range(0, 20).Select(t => new CriticalRateRecord(t, Eta, criticalRate(t), 10, 10, 0)).ToList();
        return new SpikeRun(run, events, clear ?? Array.Empty<CatapultEvent>(), unjudged, 1.0, rates, records ?? Array.Empty<DiagnosticsRecord>());
    }

    /// <summary>A probe-set record at <paramref name="step"/> with PL_s and PL_s⊥ for s = 1, 2, … (the probe loss from the last pair).</summary>
    public static DiagnosticsRecord Record(int step, double[] pl, double[] perp) => new()
    {
        Step = step, Epoch = 0, LearningRate = Eta, ProbeLoss = pl[^1] + perp[^1], ProjectedLosses = pl, OrthogonalLosses = perp,
    };

    /// <summary>A probe-set record with PL_1 = <paramref name="pl"/> and PL_1⊥ = <paramref name="perp"/>.</summary>
    public static DiagnosticsRecord Record(int step, double pl, double perp) => Record(step, new[] { pl }, new[] { perp });

    /// <summary>The cells of the report table's row for <paramref name="label"/>.</summary>
    public static string[] Cells(string report, string label) =>
        report.Split('\n').Single(l => l.StartsWith($"| {label} |", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToArray();
}
