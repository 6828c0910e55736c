using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Options shared by the TorchSharp network trainers (<see cref="TorchNetworkRegressionTrainer"/>,
/// <see cref="TorchNetworkBinaryTrainer"/>, <see cref="TorchNetworkMulticlassTrainer"/>): the columns, the run's
/// description (the engine's <see cref="NetworkDescription"/> and <see cref="TrainingOptions"/> records, embedded, not
/// mirrored), the seed, the runtime and the training diagnostics. Defaults come from <see cref="TorchNetworkDefaults"/>.
/// <see cref="Validate"/> names the first invalid option.
/// </summary>
public abstract class TorchNetworkTrainerOptions
{
    private protected TorchNetworkTrainerOptions() { }

    /// <summary>
    /// Name of the feature column, a known-size vector of <see cref="float"/>; default <c>"Features"</c>. Build it with
    /// <c>mlContext.Transforms.Concatenate</c> and standardise it with <c>NormalizeMeanVariance(..., fixZero: false)</c>:
    /// the network's initialisation and the default learning rate assume centred inputs of order one. ML.NET's default
    /// <c>fixZero: true</c> only rescales, and features with a large mean then leave the defaults unable to fit.
    /// Image networks (<c>cnn</c>, <c>wrn</c>, <c>vit</c>) also need the image shape (C, H, W) of the column: see
    /// <see cref="Data.ImageColumnShape"/>.
    /// </summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Name of the label column; default <c>"Label"</c>. Its required type depends on the task.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The network: architecture (<c>fcn-D</c>, <c>cnn-D</c>, <c>wrn-D-K</c>, <c>vit-D</c>) and settings; default
    /// <see cref="TorchNetworkDefaults.Network"/> (<c>fcn-2</c> of width 256). The input shape and the output count come
    /// from the data, the initialisation from <see cref="Seed"/>.
    /// </summary>
    public NetworkDescription Network { get; set; } = TorchNetworkDefaults.Network;

    /// <summary>
    /// The training: optimiser, rate or schedule, batch, budget, stopping rules and the batch-order seed
    /// (<see cref="TrainingOptions.ShuffleSeed"/>); default <see cref="TorchNetworkDefaults.Training"/> (SGD, η = 0.5,
    /// batches of 32, 60 epochs). Change it with <c>with</c>, e.g. <c>TorchNetworkDefaults.Training with { MaxEpochs = 20 }</c>.
    /// </summary>
    /// <remarks>
    /// The loss is set by the trainer, not by <see cref="TrainingOptions.Loss"/>: the regression trainer always fits
    /// the squared loss, the classifiers the loss of their <c>Loss</c> option. <see cref="TrainingOptions.Loss"/> may
    /// be left at its default (<see cref="LossKind.MeanSquaredError"/>) or set to the trainer's loss; any other value
    /// is an error rather than silently overridden. <see cref="TrainingOptions.UpdateTransform"/> and
    /// <see cref="TrainingOptions.RateController"/> are used in training but not saved with the model.
    /// </remarks>
    public TrainingOptions Training { get; set; } = TorchNetworkDefaults.Training;

    /// <summary>
    /// When true (the default), <c>Fit</c> throws <see cref="TrainingDivergedException"/> (which carries the training
    /// report) if training diverges. When false, <c>Fit</c> returns the transformer of the diverged run; its
    /// <see cref="TrainingReport.Result"/> says so and its predictions may be non-finite.
    /// </summary>
    public bool ThrowOnDivergence { get; set; } = true;

    /// <summary>Seed of the weight initialisation (and of the diagnostics' probe set); default 0. The batch order has its own seed, <see cref="TrainingOptions.ShuffleSeed"/>.</summary>
    public long Seed { get; set; }

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
    [System.Text.Json.Serialization.JsonIgnore]
    public IList<ITrainingObserver> Observers { get; set; } = new List<ITrainingObserver>();

    /// <summary>The loss this trainer fits (fixed by the task and the trainer's own loss option).</summary>
    internal abstract LossKind TrainerLoss { get; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name a column.", nameof(FeatureColumnName));
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LabelColumnName must name a column.", nameof(LabelColumnName));
        if (Network is null)
            throw new ArgumentException("Network must not be null (start from TorchNetworkDefaults.Network).", nameof(Network));
        _ = Network.Spec;
        // Refused when the trainer is built, as ML.NET's trainers refuse their sizes, not first at Fit.
        if (Network.Width is int width && width < 1)
            throw new ArgumentException($"Network.Width must be at least 1, got {width}.", nameof(Network));
        if (!double.IsFinite(Network.OutputMultiplier) || Network.OutputMultiplier == 0)
            throw new ArgumentException($"Network.OutputMultiplier must be finite and nonzero, got {Network.OutputMultiplier}.", nameof(Network));
        if (Training is null)
            throw new ArgumentException("Training must not be null (start from TorchNetworkDefaults.Training).", nameof(Training));
        Training.Validate();
        // The engine allows a run of no steps (a measurement at initialisation); a trainer would return the network as
        // initialised, which ML.NET's trainers refuse ("must be positive").
        if (Training.MaxEpochs == 0 || Training.MaxSteps == 0)
            throw new ArgumentException(
                $"Training.{(Training.MaxEpochs == 0 ? "MaxEpochs" : "MaxSteps")} is 0, so Fit would return the network untrained; give at least 1 " +
                "(numberOfEpochs in the simple overload).", nameof(Training));
        if (Training.Loss != LossKind.MeanSquaredError && Training.Loss != TrainerLoss)
            throw new ArgumentException(
                $"Training.Loss is {Training.Loss}, but this trainer fits {TrainerLoss} (set by the trainer and its Loss option); " +
                "leave Training.Loss at its default or choose the loss with the trainer's Loss option.", nameof(Training));
        if (Threads is int th && RuntimeOptions.ThreadCountProblem(th) is { } threadProblem)
            throw new ArgumentException($"Threads {threadProblem} (or null to keep the process's setting).", nameof(Threads));
        if (Diagnostics is null)
            throw new ArgumentException("Diagnostics must not be null (leave it at its default to keep diagnostics off).", nameof(Diagnostics));
        Diagnostics.Validate();
        if (Observers is null)
            throw new ArgumentException("Observers must not be null (use an empty list).", nameof(Observers));
    }

    /// <summary>
    /// A snapshot of these options, taken when <c>Fit</c> starts: the descriptions are immutable records and are
    /// shared; the mutable diagnostics settings and the observer list are copied.
    /// </summary>
    internal TorchNetworkTrainerOptions Snapshot()
    {
        var copy = (TorchNetworkTrainerOptions)MemberwiseClone();
        copy.Diagnostics = Diagnostics.Clone();
        copy.Observers = new List<ITrainingObserver>(Observers);
        return copy;
    }
}
