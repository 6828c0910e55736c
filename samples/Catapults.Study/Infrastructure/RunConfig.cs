using System.Text.Json.Serialization;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Everything needed to rerun one run (one configuration and seed); written as config.json in the run directory.
/// </summary>
public sealed record RunConfig
{
    /// <summary>The experiment (sub-command) that made the run.</summary>
    public required string Experiment { get; init; }

    /// <summary>The run's label inside its experiment (e.g. b50-seed1).</summary>
    public required string Label { get; init; }

    /// <summary>The data.</summary>
    public required DataSettings Data { get; init; }

    /// <summary>The network (the engine's one network description).</summary>
    public required NetworkDescription Network { get; init; }

    /// <summary>
    /// The training (the engine's one training description): loss, optimiser, rate or schedule, batch size (always
    /// set here, = n for full-batch GD), step budget, target loss, batch-order seed.
    /// </summary>
    public required TrainingOptions Training { get; init; }

    /// <summary>How the loss is normalised (for a reader of the files).</summary>
    public string LossNormalisation { get; init; } = "L = (1/b) Σ_i ‖f(x_i) − y_i‖² over the b samples of a batch (no ½); full losses use b = n";

    /// <summary>Seed of the initialisation (the batch order's is <see cref="TrainingOptions.ShuffleSeed"/>, the same number in every experiment).</summary>
    public required long Seed { get; init; }

    /// <summary>Steps between rows of steps.csv (full training and test losses are evaluated there); each experiment sets its own.</summary>
    public required int RecordEvery { get; init; }

    /// <summary>Steps between checkpoints (0: none); each experiment sets its own.</summary>
    public required int CheckpointEvery { get; init; }

    /// <summary>Indices into the training data of the probe set used for NTK diagnostics (empty when none is used).</summary>
    public IReadOnlyList<long> ProbeIndices { get; init; } = Array.Empty<long>();

    /// <summary>Catapult detector: smoothing window over recorded points.</summary>
    public int DetectorSmoothing { get; init; } = 1;

    /// <summary>Catapult detector: a rise of the recorded loss above this factor × its running baseline starts an episode.</summary>
    public double DetectorRiseFactor { get; init; } = 2.0;

    /// <summary>
    /// The experiment's own options that shape the run but have no field above (e.g. gd-catapults' raise factor), as
    /// option name → value; compared, like every field, when a run is resumed.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExperimentOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>libtorch threads (null: libtorch's default).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// The training of a study run: <paramref name="optimizer"/> (default plain SGD, PyTorch's settings) at
    /// <paramref name="learningRate"/>, batch size <paramref name="batchSize"/> (n for full-batch GD),
    /// <paramref name="maxSteps"/> steps, the batch order drawn from <paramref name="seed"/>; with a
    /// <paramref name="targetLoss"/>, the full training loss is checked at every recorded step.
    /// </summary>
    public static TrainingOptions TrainingFor(double learningRate, int batchSize, int maxSteps, long seed, int recordEvery,
        double? targetLoss = null, OptimizerKind optimizer = OptimizerKind.Sgd) => new()
    {
        Optimizer = optimizer,
        LearningRate = learningRate,
        BatchSize = batchSize,
        MaxSteps = maxSteps,
        TargetLoss = targetLoss,
        FullLossEvery = targetLoss is null ? 0 : recordEvery,
        ShuffleSeed = seed,
    };

    /// <summary>This run at learning rate <paramref name="rate"/>.</summary>
    public RunConfig WithLearningRate(double rate) => this with { Training = Training with { LearningRate = rate } };

    /// <summary>The batch size b of <see cref="Training"/> (n for full-batch GD).</summary>
    [JsonIgnore]
    public int BatchSize => Training.BatchSize ?? throw new InvalidOperationException($"The run {Label} has no batch size; the study always sets one (n for full-batch GD).");

    /// <summary>The step budget of <see cref="Training"/>.</summary>
    [JsonIgnore]
    public int MaxSteps => Training.MaxSteps ?? throw new InvalidOperationException($"The run {Label} has no step budget; the study always sets one.");
}
