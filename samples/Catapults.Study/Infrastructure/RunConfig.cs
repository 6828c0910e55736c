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

    /// <summary>Architecture name for <c>ModelFactory.Create</c> (fcn-2, cnn-5, wrn-16-4, vit-4).</summary>
    public string Architecture { get; init; } = "fcn-2";

    /// <summary>Hidden width (fcn) or channel width (others); null: the architecture's default.</summary>
    public int? Width { get; init; } = 1024;

    /// <summary>Whether the layers have biases; null: the architecture's default (on for fcn, cnn and vit; off in a WRN's convolutions).</summary>
    public bool? UseBias { get; init; }

    /// <summary>Parameterisation of the network.</summary>
    public string Parameterization { get; init; } = "Ntk";

    /// <summary>Activation.</summary>
    public string Activation { get; init; } = "Relu";

    /// <summary>The loss.</summary>
    public string Loss { get; init; } = nameof(LossKind.MeanSquaredError);

    /// <summary>How the loss is normalised (for a reader of the files).</summary>
    public string LossNormalisation { get; init; } = "L = (1/b) Σ_i ‖f(x_i) − y_i‖² over the b samples of a batch (no ½); full losses use b = n";

    /// <summary>The optimiser.</summary>
    public string Optimizer { get; init; } = nameof(OptimizerKind.Sgd);

    /// <summary>Momentum of SGD with momentum.</summary>
    public double? Momentum { get; init; }

    /// <summary>The learning rate (the initial one when <see cref="Milestones"/> is set).</summary>
    public required double LearningRate { get; init; }

    /// <summary>Learning-rate milestones (step, new rate), empty for a constant rate.</summary>
    public IReadOnlyList<Milestone> Milestones { get; init; } = Array.Empty<Milestone>();

    /// <summary>Batch size b (= n for full-batch GD).</summary>
    public required int BatchSize { get; init; }

    /// <summary>Step budget.</summary>
    public required int MaxSteps { get; init; }

    /// <summary>Training stops early once the full training loss (checked every <see cref="RecordEvery"/> steps) is at or below this; null: none.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Seed of the initialisation and of the batch order.</summary>
    public required long Seed { get; init; }

    /// <summary>Steps between rows of steps.csv (full training and test losses are evaluated there).</summary>
    public int RecordEvery { get; init; } = 10;

    /// <summary>Steps between checkpoints (0: none).</summary>
    public int CheckpointEvery { get; init; } = 500;

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

    /// <summary>The learning-rate schedule.</summary>
    public ILearningRateSchedule Schedule() => Milestones.Count == 0
        ? new ConstantSchedule(LearningRate)
        : new MilestoneSchedule(LearningRate, Milestones.Select(m => (m.Step, m.Rate)));
}

/// <summary>A learning-rate change: from <paramref name="Step"/> on, the rate is <paramref name="Rate"/>.</summary>
public sealed record Milestone(int Step, double Rate);
