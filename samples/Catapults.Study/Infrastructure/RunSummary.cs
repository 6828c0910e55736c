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
        Divergence ?? $"test loss {TestLoss:G4}" + (withAlignment && AgopAlignment is double alignment ? $", alignment {alignment:F3}" : "");

    /// <summary>The checkpoint step an interrupted run was resumed from (the last resume, if several); null: trained in one go.</summary>
    public int? ResumedFromStep { get; init; }

    /// <summary>
    /// The rates the run used when a controller set them (e.g. gd-catapults' raises): the first rate and each change,
    /// as a schedule that reruns the same steps without the controller. Absent otherwise (config.json's schedule is
    /// the realised one).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Catapults.ML.Training.MilestoneSchedule? RealisedSchedule { get; init; }

    /// <summary>
    /// Size and SHA-256 of every other file of the finished run (steps.csv, events.json, the safetensors files and
    /// observers/), written with it; a run whose files do not match is not trusted when read back.
    /// </summary>
    public IReadOnlyDictionary<string, FileDigest>? Files { get; init; }
}
