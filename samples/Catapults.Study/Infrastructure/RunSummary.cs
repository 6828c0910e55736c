using Catapults.ML.Training;
using static System.FormattableString;

namespace Catapults.Study.Infrastructure;

/// <summary>summary.json of one run.</summary>
public sealed record RunSummary
{
    /// <summary>The run's label.</summary>
    public required string Label { get; init; }

    /// <summary>BudgetReached, TargetLossReached or Diverged.</summary>
    public required string Outcome { get; init; }

    /// <summary>Updates made.</summary>
    public required int Steps { get; init; }

    /// <summary>Wall time of the training in seconds (summed over resumed segments).</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Final full training loss (null when diverged).</summary>
    public double? TrainLoss { get; init; }

    /// <summary>Final test loss (null when diverged).</summary>
    public double? TestLoss { get; init; }

    /// <summary>Final training error (classification only).</summary>
    public double? TrainError { get; init; }

    /// <summary>Final test error (classification only).</summary>
    public double? TestError { get; init; }

    /// <summary>Cosine of the network's AGOP on the test inputs with the true AGOP (synthetic tasks; null otherwise or when diverged).</summary>
    public double? AgopAlignment { get; init; }

    /// <summary>Number of catapults (= the length of events.json): spikes of the training loss after which λ_max(K) was lower, where λ_max is recorded.</summary>
    public required int Catapults { get; init; }

    /// <summary>Number of loss spikes (rose clearly above the pre-spike level and came back), with or without a λ_max drop; at least <see cref="Catapults"/>.</summary>
    public int Spikes { get; init; }

    /// <summary>Why the run diverged, if it did.</summary>
    public string? Divergence { get; init; }

    /// <summary>
    /// The end of a run's line of progress: "test loss 0.153" (and ", alignment 0.978" with
    /// <paramref name="withAlignment"/>, where it was measured) for a run that finished, or where and why it diverged,
    /// since such a run has no final losses to show.
    /// </summary>
    public string LossesOrDivergence(bool withAlignment) =>
        Divergence ?? Invariant($"test loss {TestLoss:G4}") + (withAlignment && AgopAlignment is double alignment ? Invariant($", alignment {alignment:F3}") : "");

    /// <summary>The checkpoint step an interrupted run was resumed from (the last resume, if several); null: trained in one go.</summary>
    public int? ResumedFromStep { get; init; }

    /// <summary>
    /// The rates the run used when a controller set them (e.g. gd-catapults' raises): the first rate and each change,
    /// as a schedule that reruns the same steps without the controller. Absent otherwise (config.json's schedule is
    /// the realised one).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public MilestoneSchedule? RealisedSchedule { get; init; }

    /// <summary>
    /// Size and SHA-256 of every other file of the finished run (steps.csv, events.json, the safetensors files and
    /// observers/), written with it; a run whose files do not match is not trusted when read back.
    /// </summary>
    public IReadOnlyDictionary<string, FileDigest>? Files { get; init; }

    // A cancelled run writes no summary; it keeps its checkpoint instead.
    private static readonly string[] FinishedOutcomes =
        [nameof(TrainingOutcome.BudgetReached), nameof(TrainingOutcome.TargetLossReached), nameof(TrainingOutcome.Diverged)];

    // Cosines are computed in floating point, so a perfect alignment can round a hair past 1.
    private const double CosineSlack = 1e-6;

    /// <summary>
    /// The first field that no run could have written (an outcome that is not one, a loss that is negative or not
    /// finite, a cosine outside −1..1, a count below zero or more catapults than spikes), as "field value: why", or
    /// null. summary.json lists the other files' checksums but has none of its own, so an edited value would
    /// otherwise be read into the report as it stands.
    /// </summary>
    public string? Problem()
    {
        if (!FinishedOutcomes.Contains(Outcome))
            return Invariant($"outcome '{Outcome}' is not an outcome a finished run records ({string.Join(", ", FinishedOutcomes)})");
        if (Steps < 0) return Invariant($"steps {Steps} is negative");
        if (!(WallSeconds >= 0) || double.IsInfinity(WallSeconds)) return Invariant($"wallSeconds {WallSeconds} is not a finite time");
        foreach (var (name, value) in new[] { ("trainLoss", TrainLoss), ("testLoss", TestLoss) })
            if (value is double v && (!(v >= 0) || double.IsInfinity(v))) return Invariant($"{name} {v} is not a finite loss ≥ 0");
        foreach (var (name, value) in new[] { ("trainError", TrainError), ("testError", TestError) })
            if (value is double v && !(v >= 0 && v <= 1)) return Invariant($"{name} {v} is not an error rate in 0..1");
        if (AgopAlignment is double a && !(Math.Abs(a) <= 1 + CosineSlack)) return Invariant($"agopAlignment {a} is not a cosine in −1..1");
        if (Catapults < 0) return Invariant($"catapults {Catapults} is negative");
        if (Spikes < Catapults) return Invariant($"spikes {Spikes} is fewer than its {Catapults} catapults");
        if (ResumedFromStep is int r && (r < 0 || r > Steps)) return Invariant($"resumedFromStep {r} is not a step of the run's {Steps}");
        return null;
    }
}
