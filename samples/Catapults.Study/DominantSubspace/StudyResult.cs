using Catapults.ML.Probes;

namespace Catapults.Study.DominantSubspace;

/// <summary>
/// One seed of the study: the shared warm-up, the top k + 1 Hessian eigenvalues at the switch (how far the k outliers
/// stand from the bulk), and the three arms (SGD, Dom-SGD, Bulk-SGD; or SAM, Dom-SAM, Bulk-SAM), in that order. In the
/// edge-of-stability regime <paramref name="SgdWarmUp"/> holds the SGD steps before GD (null without them) and
/// <paramref name="GdStartSharpness"/> the λ_max from which GD's rate was set.
/// </summary>
public sealed record StudyResult(DominantSubspaceSettings Settings, string DataDescription, long ParameterCount, ArmResult WarmUp,
    double LossAtSwitch, IReadOnlyList<double> SwitchEigenvalues, IReadOnlyList<ArmResult> Arms, TimeSpan WallTime,
    ArmResult? SgdWarmUp = null, double? GdStartSharpness = null)
{
    /// <summary>The phases before the switch in step order: the SGD steps (edge-of-stability regime, when any), then the warm-up.</summary>
    public IEnumerable<ArmResult> Phases => SgdWarmUp is null ? new[] { WarmUp } : new[] { SgdWarmUp, WarmUp };

    /// <summary>
    /// The mean of λ_max · η / 2 over an arm's records: 1 is the edge of stability, and a GD arm that sits there
    /// hovers near 1 (NaN without records).
    /// </summary>
    public double MeanEdgeRatio(ArmResult arm) =>
        arm.Alignment.Count == 0 ? double.NaN : arm.Alignment.Average(r => r.Eigenvalues[0]) * Settings.LearningRate / 2;

    /// <summary>The mean of χ_k = ‖P_k g‖/‖g‖ of the full-batch gradient over an arm's records (NaN without records).</summary>
    public static double MeanAlignment(ArmResult arm) =>
        arm.Alignment.Count == 0 ? double.NaN : arm.Alignment.Average(r => r.Alignment);

    /// <summary>
    /// The largest λ_max · η / 2 recorded at this seed's rate: over the warm-up and the base arm, the steps taken at
    /// η (in the edge-of-stability regime, all of GD's). At least 1 when the sharpness reached 2/η (NaN without records).
    /// </summary>
    public double PeakEdgeRatio
    {
        get
        {
            var records = WarmUp.Alignment.Concat(Arms.Count > 0 ? Arms[0].Alignment : Array.Empty<SubspaceAlignmentRecord>()).ToList();
            return records.Count == 0 ? double.NaN : records.Max(r => r.Eigenvalues[0]) * Settings.LearningRate / 2;
        }
    }

    /// <summary>
    /// The first value no run could have written, as "what: why", or null: three arms; a loss at the switch, losses and
    /// final losses that are finite and ≥ 0 in every phase that did not diverge; χ_k in 0..1; finite eigenvalues; counts
    /// ≥ 0. result.json has no checksum, so an edited value would otherwise go into the report as it stands.
    /// </summary>
    public string? Problem()
    {
        static bool IsLoss(double v) => v >= 0 && !double.IsInfinity(v);
        if (Arms.Count != 3) return $"{Arms.Count} arms instead of the base, dominant and bulk arms";
        if (!IsLoss(LossAtSwitch)) return $"the loss at the switch, {LossAtSwitch}, is not a finite loss ≥ 0";
        if (SwitchEigenvalues.Any(v => !double.IsFinite(v)))
            return $"the eigenvalues at the switch, {string.Join(", ", SwitchEigenvalues)}, are not all finite";
        foreach (var phase in Phases.Concat(Arms))
        {
            if (!Enum.IsDefined(phase.Outcome)) return $"'{phase.Name}' has the outcome {phase.Outcome}";
            if (phase.Refreshes < 0 || phase.HessianProducts < 0) return $"'{phase.Name}' has a negative count";
            // A diverged phase keeps the value that exposed it.
            if (phase.Outcome == ML.Training.TrainingOutcome.Diverged) continue;
            foreach (var (step, loss) in phase.Losses)
                if (!IsLoss(loss)) return $"'{phase.Name}' has the loss {loss} at step {step}, not a finite loss ≥ 0";
            if (phase.FinalLoss is double final && !IsLoss(final)) return $"'{phase.Name}' ends at the loss {final}, not a finite loss ≥ 0";
            if (phase.Alignment.FirstOrDefault(r => !(r.Alignment >= 0 && r.Alignment <= 1 + 1e-6)) is { } record)
                return $"'{phase.Name}' has χ_k = {record.Alignment} at step {record.Step}, outside 0..1";
        }
        return null;
    }

    /// <summary>λ_k / λ_{k+1} at the switch: the gap between the dominant subspace and the bulk (NaN when unknown).</summary>
    public double OutlierGap => SwitchEigenvalues.Count > Settings.EffectiveRank && SwitchEigenvalues[Settings.EffectiveRank] != 0
        ? SwitchEigenvalues[Settings.EffectiveRank - 1] / SwitchEigenvalues[Settings.EffectiveRank] : double.NaN;
}
