using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.ML.Probes;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Options shared by the TorchSharp network trainers (<see cref="TorchNetworkRegressionTrainer"/>,
/// <see cref="TorchNetworkBinaryTrainer"/>, <see cref="TorchNetworkMulticlassTrainer"/>): the columns, a fully connected
/// architecture, the optimiser and its schedule, stopping rules, seeds, the runtime and the training diagnostics.
/// Every default is stated on its property. <see cref="Validate"/> names the first invalid option.
/// </summary>
public abstract class TorchNetworkTrainerOptions
{
    /// <summary>
    /// Name of the feature column, a known-size vector of <see cref="float"/>; default <c>"Features"</c>. Build it with
    /// <c>mlContext.Transforms.Concatenate</c> and standardise it with <c>NormalizeMeanVariance(..., fixZero: false)</c>:
    /// the network's initialisation and the default learning rate assume centred inputs of order one. ML.NET's default
    /// <c>fixZero: true</c> only rescales, and features with a large mean then leave the defaults unable to fit.
    /// </summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Name of the label column; default <c>"Label"</c>. Its required type depends on the task.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// Widths of the hidden layers, input side first; default one hidden layer of
    /// <see cref="TorchNetworkDefaults.HiddenWidth"/> (256) units. The paper's two-layer network has 1024. An empty
    /// array gives a linear model.
    /// </summary>
    public int[] HiddenWidths { get; set; } = { TorchNetworkDefaults.HiddenWidth };

    /// <summary>Nonlinearity between layers; default <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; set; } = ActivationKind.Relu;

    /// <summary>Whether the layers have biases; default true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>
    /// Parameterisation; default <see cref="Parameterization.Ntk"/> (weights ~ N(0, 1), each pre-activation divided
    /// by √fan_in), the setting in which catapults are analysed.
    /// </summary>
    public Parameterization Parameterization { get; set; } = Parameterization.Ntk;

    /// <summary>Multiplier m applied to the network's output; default 1.</summary>
    public double OutputMultiplier { get; set; } = 1.0;

    /// <summary>Optimiser; default <see cref="OptimizerKind.Sgd"/> (plain SGD, as in the catapult analysis).</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Sgd;

    /// <summary>Optimiser hyper-parameters other than the rate (momentum, Adam's β, weight decay); default PyTorch's.</summary>
    public OptimizerOptions OptimizerSettings { get; set; } = new();

    /// <summary>
    /// Learning rate η when no <see cref="Schedule"/> is set; default <see cref="TorchNetworkDefaults.LearningRate"/>
    /// (0.5), about half the rate at which the default network stops fitting standardised inputs. Larger rates push
    /// the run into the catapult regime and beyond; use <see cref="TrainingDiagnosticsOptions"/> to see η_crit.
    /// </summary>
    public double LearningRate { get; set; } = TorchNetworkDefaults.LearningRate;

    /// <summary>
    /// Learning-rate schedule (e.g. <see cref="MilestoneSchedule"/> for repeated catapults); default null, meaning the
    /// constant <see cref="LearningRate"/>.
    /// </summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>
    /// Mini-batch size b; default <see cref="TorchNetworkDefaults.BatchSize"/> (32). Null means full-batch gradient descent (b = n). A batch size larger than the
    /// training set is an error, not silently reduced.
    /// </summary>
    public int? BatchSize { get; set; } = TorchNetworkDefaults.BatchSize;

    /// <summary>What to do with the last, smaller batch of an epoch; default <see cref="PartialBatchPolicy.Drop"/>.</summary>
    public PartialBatchPolicy LastPartialBatch { get; set; } = PartialBatchPolicy.Drop;

    /// <summary>
    /// Number of passes over the training data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60). Null
    /// means no epoch limit (then set <see cref="MaximumSteps"/>).
    /// </summary>
    public int? NumberOfEpochs { get; set; } = TorchNetworkDefaults.NumberOfEpochs;

    /// <summary>Stop after this many optimiser steps; default null (no step limit). When both limits are set, the first reached stops training.</summary>
    public int? MaximumSteps { get; set; }

    /// <summary>Stop once the full training loss is at or below this value; default null (train to the budget).</summary>
    public double? TargetLoss { get; set; }

    /// <summary>
    /// Compute the full training loss every this many steps and record it; default 0 (never, except in full-batch
    /// gradient descent, where the batch loss is the full loss).
    /// </summary>
    public int FullLossEvery { get; set; }

    /// <summary>
    /// A run counts as diverged when a loss is non-finite or exceeds this factor times the first batch loss;
    /// default 1e8 (catapult spikes of 10²–10⁴ are left alone).
    /// </summary>
    public double DivergenceFactor { get; set; } = 1e8;

    /// <summary>
    /// When true (the default), <c>Fit</c> throws <see cref="TrainingDivergedException"/> (which carries the training
    /// report) if training diverges. When false, <c>Fit</c> returns the transformer of the diverged run; its
    /// <see cref="TrainingReport.Result"/> says so and its predictions may be non-finite.
    /// </summary>
    public bool ThrowOnDivergence { get; set; } = true;

    /// <summary>Seed of the weight initialisation; default 0.</summary>
    public long Seed { get; set; }

    /// <summary>
    /// Seed of the mini-batch order; default null, meaning <see cref="Seed"/>. The engine draws initialisation and
    /// order from separately tagged streams, so equal seeds do not correlate them.
    /// </summary>
    public long? ShuffleSeed { get; set; }

    /// <summary>
    /// Where training runs; default <see cref="DeviceChoice.Auto"/> (CUDA when a CUDA libtorch is referenced and a GPU is
    /// present, otherwise the CPU). The trained network stays on that device for prediction.
    /// </summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;

    /// <summary>
    /// Number of libtorch intra-op threads, set when <c>Fit</c> starts; default <see cref="TorchNetworkDefaults.Threads"/>
    /// (1), which also makes reruns bit-identical. These networks are too small for intra-op parallelism: on two busy
    /// cores libtorch's own choice (one thread per core) made fits several times slower. The setting is process-wide;
    /// null leaves the process's current setting (see <c>TorchRuntime.Configure</c>) as it is.
    /// </summary>
    public int? Threads { get; set; } = TorchNetworkDefaults.Threads;

    /// <summary>Training diagnostics (NTK spectrum, catapult detection); default off.</summary>
    public TrainingDiagnosticsOptions Diagnostics { get; set; } = new();

    /// <summary>
    /// Extra observers called during training, e.g. to log progress or to record quantities of one's own; default
    /// empty. Observers only read the model (see <see cref="ITrainingObserver"/>). They are not saved with the model.
    /// </summary>
    public IList<ITrainingObserver> Observers { get; set; } = new List<ITrainingObserver>();

    /// <summary>The shuffle seed in force: <see cref="ShuffleSeed"/> or else <see cref="Seed"/>.</summary>
    public long EffectiveShuffleSeed => ShuffleSeed ?? Seed;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (HiddenWidths is null)
            throw new ArgumentException("HiddenWidths must not be null (use an empty array for a linear model).", nameof(HiddenWidths));
        for (int i = 0; i < HiddenWidths.Length; i++)
            if (HiddenWidths[i] < 1)
                throw new ArgumentException($"HiddenWidths[{i}] must be at least 1, got {HiddenWidths[i]}.", nameof(HiddenWidths));
        if (!double.IsFinite(OutputMultiplier) || OutputMultiplier == 0)
            throw new ArgumentException($"OutputMultiplier must be finite and nonzero, got {OutputMultiplier}.", nameof(OutputMultiplier));
        if (OptimizerSettings is null)
            throw new ArgumentException("OptimizerSettings must not be null.", nameof(OptimizerSettings));
        if (Schedule is null && (!double.IsFinite(LearningRate) || LearningRate <= 0))
            throw new ArgumentException($"LearningRate must be finite and positive, got {LearningRate}.", nameof(LearningRate));
        if (BatchSize is int b && b < 1)
            throw new ArgumentException($"BatchSize must be at least 1 (or null for full batch), got {b}.", nameof(BatchSize));
        if (NumberOfEpochs is int e && e < 1)
            throw new ArgumentException($"NumberOfEpochs must be at least 1, got {e}.", nameof(NumberOfEpochs));
        if (MaximumSteps is int s && s < 1)
            throw new ArgumentException($"MaximumSteps must be at least 1, got {s}.", nameof(MaximumSteps));
        if (NumberOfEpochs is null && MaximumSteps is null)
            throw new ArgumentException("Set NumberOfEpochs or MaximumSteps: training needs a budget.", nameof(NumberOfEpochs));
        if (TargetLoss is double t && (!double.IsFinite(t) || t < 0))
            throw new ArgumentException($"TargetLoss must be finite and ≥ 0, got {t}.", nameof(TargetLoss));
        if (FullLossEvery < 0)
            throw new ArgumentException($"FullLossEvery must be ≥ 0, got {FullLossEvery}.", nameof(FullLossEvery));
        if (!(DivergenceFactor > 1))
            throw new ArgumentException($"DivergenceFactor must be > 1, got {DivergenceFactor}.", nameof(DivergenceFactor));
        if (Threads is int th && th < 1)
            throw new ArgumentException($"Threads must be at least 1 (or null to keep the process's setting), got {th}.", nameof(Threads));
        if (Diagnostics is null)
            throw new ArgumentException("Diagnostics must not be null (leave it at its default to keep diagnostics off).", nameof(Diagnostics));
        Diagnostics.Validate();
        if (Observers is null)
            throw new ArgumentException("Observers must not be null (use an empty list).", nameof(Observers));
    }

    /// <summary>Copies every option of this instance into <paramref name="target"/> (a snapshot taken at <c>Fit</c>).</summary>
    protected void CopyTo(TorchNetworkTrainerOptions target)
    {
        target.FeatureColumnName = FeatureColumnName;
        target.LabelColumnName = LabelColumnName;
        target.HiddenWidths = (int[])HiddenWidths.Clone();
        target.Activation = Activation;
        target.UseBias = UseBias;
        target.Parameterization = Parameterization;
        target.OutputMultiplier = OutputMultiplier;
        target.Optimizer = Optimizer;
        target.OptimizerSettings = new OptimizerOptions
        {
            Momentum = OptimizerSettings.Momentum, Beta1 = OptimizerSettings.Beta1, Beta2 = OptimizerSettings.Beta2,
            RmsPropAlpha = OptimizerSettings.RmsPropAlpha, Epsilon = OptimizerSettings.Epsilon, WeightDecay = OptimizerSettings.WeightDecay,
        };
        target.LearningRate = LearningRate;
        target.Schedule = Schedule;
        target.BatchSize = BatchSize;
        target.LastPartialBatch = LastPartialBatch;
        target.NumberOfEpochs = NumberOfEpochs;
        target.MaximumSteps = MaximumSteps;
        target.TargetLoss = TargetLoss;
        target.FullLossEvery = FullLossEvery;
        target.DivergenceFactor = DivergenceFactor;
        target.ThrowOnDivergence = ThrowOnDivergence;
        target.Seed = Seed;
        target.ShuffleSeed = ShuffleSeed;
        target.Device = Device;
        target.Threads = Threads;
        target.Diagnostics = Diagnostics.Clone();
        target.Observers = new List<ITrainingObserver>(Observers);
    }

    /// <summary>The engine's architecture options for a network with <paramref name="inputDimension"/> inputs and <paramref name="outputCount"/> outputs.</summary>
    internal FullyConnectedOptions ToNetworkOptions(int inputDimension, int outputCount) => new()
    {
        InputDimension = inputDimension,
        HiddenWidths = (int[])HiddenWidths.Clone(),
        OutputCount = outputCount,
        Activation = Activation,
        UseBias = UseBias,
        Parameterization = Parameterization,
        OutputMultiplier = OutputMultiplier,
        Seed = Seed,
    };

    /// <summary>The engine's training options for loss <paramref name="loss"/>.</summary>
    internal TrainingOptions ToTrainingOptions(LossKind loss) => new()
    {
        Loss = loss,
        Optimizer = Optimizer,
        OptimizerSettings = OptimizerSettings,
        LearningRate = LearningRate,
        Schedule = Schedule,
        BatchSize = BatchSize,
        LastPartialBatch = LastPartialBatch,
        MaxSteps = MaximumSteps,
        MaxEpochs = NumberOfEpochs,
        TargetLoss = TargetLoss,
        FullLossEvery = FullLossEvery,
        ShuffleSeed = EffectiveShuffleSeed,
        DivergenceFactor = DivergenceFactor,
    };
}
