using Catapults.ML.Diagnostics;
using Catapults.ML.Probes;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.SgdSpikes;

/// <summary>
/// One sgd-spikes run with its per-step critical rates and probe-set records, and every spike of its recorded training
/// loss, with or without a λ_max drop: the study asks of spikes whether they start above the batch's critical rate,
/// rise in the top eigenspace and lower λ_max beyond its drift (<see cref="RunOutcome.Events"/> keeps the catapults
/// among them).
/// </summary>
/// <param name="Outcome">The run.</param>
/// <param name="Spikes">Every spike of the recorded training loss.</param>
/// <param name="ClearSpikes">The spikes that lower λ_max of the probe set beyond its drift (<see cref="SharpnessDrift"/>): the clear catapults.</param>
/// <param name="UnjudgedSpikes">The spikes the drift test cannot judge (too few spike-free windows of their length).</param>
/// <param name="FullBatchCriticalRate">η_crit of the full batch at initialisation.</param>
/// <param name="CriticalRates">η_crit of every step's batch.</param>
/// <param name="Records">The probe set's records.</param>
public sealed record SpikeRun(RunOutcome Outcome, IReadOnlyList<CatapultEvent> Spikes, IReadOnlyList<CatapultEvent> ClearSpikes, int UnjudgedSpikes,
    double FullBatchCriticalRate, IReadOnlyList<CriticalRateRecord> CriticalRates, IReadOnlyList<DiagnosticsRecord> Records)
{
    /// <summary>
    /// The spikes of <paramref name="outcome"/>'s recorded training loss and those of them that lower λ_max (the steps.csv
    /// column <c>lambda_max</c>) beyond its drift, from one detection pass.
    /// </summary>
    public static SpikeRun Of(RunOutcome outcome, double fullBatchCriticalRate, IReadOnlyList<CriticalRateRecord> criticalRates, IReadOnlyList<DiagnosticsRecord> records)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var detector = RunExecutor.DetectorOver(outcome.Config, outcome.Rows, outcome.ExtraColumn("lambda_max"));
        var spikes = detector.Spikes;
        var (clear, unjudged) = SharpnessDrift.Judge(detector.Points, spikes, spikes);
        return new SpikeRun(outcome, spikes, clear, unjudged.Count, fullBatchCriticalRate, criticalRates, records);
    }

    /// <summary>
    /// For each spike, whether η &gt; η_crit(batch) at some step of its rise window [start, start + record interval):
    /// the start is the last recorded low point, so the rise began at one of those steps.
    /// </summary>
    public IReadOnlyList<bool> SpikeStartsAboveCritical()
    {
        int every = Outcome.Config.RecordEvery;
        var byStep = CriticalRates.ToDictionary(c => c.Step);
        return Spikes.Select(e => Enumerable.Range(e.StartStep, every)
            .Any(t => byStep.TryGetValue(t, out var c) && c.LearningRate > c.Value)).ToList();
    }

    /// <summary>Fraction of all steps with η &gt; η_crit(batch).</summary>
    public double FractionAboveCritical => CriticalRates.Count == 0 ? double.NaN : CriticalRates.Count(c => c.LearningRate > c.Value) / (double)CriticalRates.Count;

    /// <summary>
    /// The chance level of <see cref="SpikeStartsAboveCritical"/>: the fraction of rise windows [t, t + record
    /// interval), over all recorded steps t, that hold a step with η &gt; η_crit(batch).
    /// </summary>
    public double WindowFractionAboveCritical
    {
        get
        {
            int every = Outcome.Config.RecordEvery;
            var above = CriticalRates.Where(c => c.LearningRate > c.Value).Select(c => c.Step / every).ToHashSet();
            int windows = CriticalRates.Select(c => c.Step / every).Distinct().Count();
            return windows == 0 ? double.NaN : above.Count / (double)windows;
        }
    }

    /// <summary>
    /// For each spike, whether the probe-set loss rose from its start to its peak mostly inside the span of the top
    /// <paramref name="s"/> NTK eigenvectors (PL_s rose more than PL_s⊥), as a catapult does; null where the probe
    /// records of those steps are missing.
    /// </summary>
    public IReadOnlyList<bool?> SpikeRisesInTopEigenspace(int s)
    {
        var byStep = Records.Where(r => r.ProjectedLosses.Count >= s).GroupBy(r => r.Step).ToDictionary(g => g.Key, g => g.First());
        return Spikes.Select(e =>
            byStep.TryGetValue(e.StartStep, out var start) && byStep.TryGetValue(e.PeakStep, out var peak)
                ? peak.ProjectedLosses[s - 1] - start.ProjectedLosses[s - 1] > peak.OrthogonalLosses[s - 1] - start.OrthogonalLosses[s - 1]
                : (bool?)null).ToList();
    }
}
