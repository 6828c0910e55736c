using System.Text.Json.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.ML.Training;

/// <summary>
/// The description of a training run (loss, optimiser, rate or schedule, batch, budget, stopping rules, batch-order
/// seed): the options of <see cref="Trainer"/>, and the one training description that the ML.NET trainers' options
/// and the study's run configuration embed. Immutable and JSON-serialisable (schedules carry a <c>kind</c>, enums are
/// written by name); change a copy with <c>with</c>. Every default is stated; <see cref="Validate"/> names a bad option.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Loss; default <see cref="LossKind.MeanSquaredError"/> (normalisation in <see cref="LossKind"/>).</summary>
    public LossKind Loss { get; init; } = LossKind.MeanSquaredError;

    /// <summary>Optimiser; default <see cref="OptimizerKind.Sgd"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>Optimiser hyper-parameters other than the rate; default PyTorch's. Their ranges are stated in <see cref="OptimizerOptions"/>.</summary>
    public OptimizerOptions OptimizerSettings { get; init; } = new();

    /// <summary>Learning rate η when no <see cref="Schedule"/> is given; default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Learning-rate schedule; default null, meaning constant <see cref="LearningRate"/>.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Batch size b; default null, meaning full-batch gradient descent (b = n).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Handling of a last partial batch; default <see cref="PartialBatchPolicy.Drop"/>.</summary>
    public PartialBatchPolicy LastPartialBatch { get; init; } = PartialBatchPolicy.Drop;

    /// <summary>Stop after this many steps; default null (no step limit).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>
    /// Stop after this many epochs; default null (no epoch limit). At least one limit must be set, and a source
    /// without epochs (online training) needs <see cref="MaxSteps"/>.
    /// </summary>
    public int? MaxEpochs { get; init; }

    /// <summary>
    /// Stop once the full training loss is at or below this value; default null. It is checked whenever the full
    /// loss is computed (see <see cref="FullLossEvery"/>); in full-batch GD the batch loss is the full loss.
    /// </summary>
    public double? TargetLoss { get; init; }

    /// <summary>
    /// Compute the full training loss every this many steps and put it in the step record; default 0 (never, except
    /// in full-batch GD where it is free). When <see cref="TargetLoss"/> is set and this is 0, it is computed once per epoch.
    /// </summary>
    public int FullLossEvery { get; init; }

    /// <summary>Seed of the mini-batch order (its own generator, independent of initialisation); default 0.</summary>
    public long ShuffleSeed { get; init; }

    /// <summary>
    /// The run is declared diverged when a loss is non-finite or exceeds this factor times the first batch loss;
    /// default 1e8. Catapult spikes reach 10² to 10⁴ times their starting loss, so the default leaves them alone.
    /// </summary>
    public double DivergenceFactor { get; init; } = 1e8;

    /// <summary>
    /// Optional transform of each parameter update (after the optimiser has computed it), e.g. projection onto or
    /// out of a subspace; default null.
    /// </summary>
    [JsonIgnore]
    public IUpdateTransform? UpdateTransform { get; init; }

    /// <summary>
    /// Sets the learning rate during training from what the run has measured (e.g. raising η above the current
    /// critical rate); default null. The trainer asks it before every step, and the rates it realised come back as a
    /// schedule in <see cref="TrainingResult.RealisedSchedule"/>. Like <see cref="UpdateTransform"/> it is a runtime
    /// object and not part of the JSON description.
    /// </summary>
    [JsonIgnore]
    public ILearningRateController? RateController { get; init; }

    /// <summary>The schedule in force: <see cref="Schedule"/> or a constant <see cref="LearningRate"/>.</summary>
    public ILearningRateSchedule EffectiveSchedule() => Schedule ?? new ConstantSchedule(LearningRate);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate(int? datasetSize = null)
    {
        // A cast or a JSON number can hold any integer; an undefined kind would otherwise fall to a default branch.
        OptionChecks.RequireDefined(Loss, nameof(Loss), nameof(Loss));
        OptionChecks.RequireDefined(Optimizer, nameof(Optimizer), nameof(Optimizer));
        OptionChecks.RequireDefined(LastPartialBatch, nameof(LastPartialBatch), nameof(LastPartialBatch));
        if (Schedule is null && (!double.IsFinite(LearningRate) || LearningRate <= 0))
            throw new ArgumentException($"LearningRate must be finite and positive, got {LearningRate}.", nameof(LearningRate));
        if (BatchSize is int b)
        {
            if (b < 1) throw new ArgumentException($"BatchSize must be at least 1, got {b}.", nameof(BatchSize));
            if (datasetSize is int n && b > n)
                throw new ArgumentException($"BatchSize {b} is larger than the training set ({n} samples).", nameof(BatchSize));
        }
        if (MaxSteps is int s && s < 0) throw new ArgumentException($"MaxSteps must be ≥ 0, got {s}.", nameof(MaxSteps));
        if (MaxEpochs is int e && e < 0) throw new ArgumentException($"MaxEpochs must be ≥ 0, got {e}.", nameof(MaxEpochs));
        if (MaxSteps is null && MaxEpochs is null)
            throw new ArgumentException("Set MaxSteps or MaxEpochs (a target loss alone might never be reached).", nameof(MaxSteps));
        if (TargetLoss is double t && (!double.IsFinite(t) || t < 0))
            throw new ArgumentException($"TargetLoss must be finite and ≥ 0, got {t}.", nameof(TargetLoss));
        if (FullLossEvery < 0) throw new ArgumentException($"FullLossEvery must be ≥ 0, got {FullLossEvery}.", nameof(FullLossEvery));
        if (!(DivergenceFactor > 1)) throw new ArgumentException($"DivergenceFactor must be > 1, got {DivergenceFactor}.", nameof(DivergenceFactor));
        if (OptimizerSettings is null)
            throw new ArgumentException("OptimizerSettings must not be null; leave it out for PyTorch's defaults.", nameof(OptimizerSettings));
        OptimizerSettings.Validate(nameof(OptimizerSettings));
    }

    /// <summary>
    /// <see cref="Validate"/> for a run on <paramref name="source"/>; it also refuses <see cref="MaxEpochs"/> as the
    /// only limit when the source has no epochs (online training), since such a run would never stop.
    /// </summary>
    internal void ValidateFor(IBatchSource source)
    {
        Validate(source.Dataset?.Count);
        // A custom source's count is the trainer's divisor for epochs.
        if (source.StepsPerEpoch is int steps and < 1)
            throw new ArgumentException($"The batch source has {steps} steps per epoch; an epoch has at least one step (null means online training, with no epochs).", nameof(source));
        if (MaxSteps is null && source.StepsPerEpoch is null)
            throw new ArgumentException("MaxEpochs cannot end this run: the batch source has no epochs (online training); set MaxSteps.", nameof(MaxEpochs));
    }
}
