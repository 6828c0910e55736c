using Catapults.ML.Data.Images;
using Catapults.ML.Models;
using Catapults.ML.Subspaces;

namespace Catapults.Study.DominantSubspace;

/// <summary>Settings of the <c>dominant-subspace</c> study; every field has a command-line option.</summary>
public sealed record DominantSubspaceSettings
{
    /// <summary>Null: the synthetic Gaussian-cluster task; otherwise an image dataset read through the loaders.</summary>
    public ImageDatasetKind? Dataset { get; init; }

    /// <summary>Data root of the image dataset (or CATAPULTS_DATA).</summary>
    public string? DataRoot { get; init; }

    /// <summary>
    /// Classes = outputs (synthetic task; for an image dataset the first this many classes). Default 10, the shape of
    /// CIFAR-10 and SVHN, whose Hessians have about one outlier eigenvalue per class.
    /// </summary>
    public int Classes { get; init; } = 10;

    /// <summary>Training samples (synthetic) or samples per class (image dataset). Default 1024.</summary>
    public int Samples { get; init; } = 1024;

    /// <summary>Input dimension of the synthetic task (default 32).</summary>
    public int InputDimension { get; init; } = 32;

    /// <summary>
    /// Standard deviation of the synthetic class centres around unit-variance noise (default 1.5: the classes barely
    /// overlap). Smaller values make them overlap, so the network fits the task more slowly.
    /// </summary>
    public double ClusterScale { get; init; } = 1.5;

    /// <summary>The largest <see cref="ClusterScale"/> accepted: 10³⁰, so that centres many standard deviations out stay finite in float32.</summary>
    public const double MaxClusterScale = 1e30;

    /// <summary>
    /// The synthetic inputs' mean in every coordinate, in units of that coordinate's standard deviation √(1 + s²) for
    /// <see cref="ClusterScale"/> s (default 0: centred inputs). Uncentred inputs, as raw pixels are (CIFAR-10's
    /// per-channel mean is about 1.9 of its standard deviation), give each output's gradient a large mean over the
    /// samples, and the MSE Hessian then has one outlier per output (along that mean gradient), which tanh's odd
    /// symmetry otherwise does not give in the standard parameterisation. Synthetic task only, like
    /// <see cref="ClusterScale"/>: an image dataset is standardised.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double InputOffset { get; init; }

    /// <summary>The input's per-coordinate standard deviation, √(1 + s²): unit noise around centres of spread s.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double InputStandardDeviation => Math.Sqrt(1 + ClusterScale * ClusterScale);

    /// <summary>The largest |<see cref="InputOffset"/>| accepted: 10⁶ standard deviations, far beyond any saturating input.</summary>
    public const double MaxInputOffset = 1e6;

    /// <summary>Hidden width of each of the two hidden layers (default 64).</summary>
    public int Width { get; init; } = 64;

    /// <summary>Learning rate η (default 0.5).</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>
    /// Mini-batch size (default 32; null: full-batch gradient descent). With mini-batches the gradient stays aligned
    /// with the top-k eigenspace (χ_k ≈ 1); full-batch GD below the edge of stability converges those directions and
    /// χ_k decays.
    /// </summary>
    public int? BatchSize { get; init; } = 32;

    /// <summary>Plain SGD steps before the switch (default 200).</summary>
    public int WarmUpSteps { get; init; } = 200;

    /// <summary>Steps of each arm after the switch (default 200).</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Dimension k of the dominant subspace (default null: the number of outputs).</summary>
    public int? Rank { get; init; }

    /// <summary>
    /// Refresh the eigenspace every T steps (default: the engine's <see cref="DominantSubspaceOptions.RefreshEvery"/>, 1).
    /// Every step is the paper's definition: Dom-SGD and Bulk-SGD project each update onto, or out of, the top-k
    /// eigenspace of the Hessian at the current weights.
    /// </summary>
    public int RefreshEvery { get; init; } = new DominantSubspaceOptions().RefreshEvery;

    /// <summary>Record χ_k and the top-k eigenvalues every this many steps (default 10).</summary>
    public int RecordEvery { get; init; } = 10;

    /// <summary>Samples of the Hessian (a fixed subset; default 1024 or all when fewer).</summary>
    public int HessianSamples { get; init; } = 1024;

    /// <summary>
    /// SAM's ascent radius ρ (sharpness-aware minimisation, for the warm-up and every arm: SAM, Dom-SAM, Bulk-SAM);
    /// default null: plain SGD.
    /// </summary>
    public double? SamRadius { get; init; }

    /// <summary>The base optimiser's name in reports: "SAM" with <see cref="SamRadius"/>, "GD" for full batches, else "SGD".</summary>
    public string BaseName => SamRadius is not null ? "SAM" : BatchSize is null ? "GD" : "SGD";

    /// <summary>
    /// The network's parameterisation (default NTK, whose top-k Hessian outliers stand apart from the bulk after SGD;
    /// the edge-of-stability preset: standard, in which GD sharpens from initialisation; on centred inputs its Hessian
    /// has no gap at k, on the preset's uncentred ones it has).
    /// </summary>
    public Parameterization Parameterization { get; init; } = Parameterization.Ntk;

    /// <summary>The parameterisation as reports name it.</summary>
    public string ParameterizationName => Parameterization switch
    {
        Parameterization.Standard => "standard", Parameterization.MeanField => "mean-field", _ => "NTK",
    };

    /// <summary>
    /// The hidden layers' activation (default tanh). ReLU's features are non-negative, so the last hidden layer has a
    /// mean large against its spread, and the Hessian's k = classes outliers (that mean times each output) stand apart
    /// from the bulk in any parameterisation; tanh's odd symmetry gives no such mean.
    /// </summary>
    public ActivationKind Activation { get; init; } = ActivationKind.Tanh;

    /// <summary>
    /// Whether the layers have biases (default true). Without them the output biases' constant curvature (2 per class
    /// with this loss) no longer pins the top-k Hessian eigenvalues, so only the features' share makes them.
    /// </summary>
    public bool UseBias { get; init; } = true;

    /// <summary>
    /// The edge-of-stability regime when true: full-batch GD at η = <see cref="EdgeOfStabilityFactor"/> / λ_max(∇²L),
    /// with λ_max measured where GD starts (after <see cref="SgdWarmUpSteps"/> SGD steps, or at initialisation), so GD
    /// starts just below its stability threshold and must sharpen to 2/η; <see cref="WarmUpSteps"/> GD steps, then GD,
    /// Dom-GD and Bulk-GD from the same weights. Default false. <see cref="Eos"/> gives the preset.
    /// </summary>
    public bool EdgeOfStability { get; init; }

    /// <summary>
    /// η·λ_max where GD starts in the edge-of-stability regime (default 1.9: 2/η is 5 % above the sharpness there, so GD
    /// must sharpen to reach it). Above 2, GD starts beyond its stability threshold and must bring the sharpness down to
    /// 2/η; below 4, so that 2/η stays above half the sharpness.
    /// </summary>
    public double EdgeOfStabilityFactor { get; init; } = DefaultEdgeOfStabilityFactor;

    private const double DefaultEdgeOfStabilityFactor = 1.9;

    /// <summary>
    /// Edge-of-stability regime only: SGD steps (at <see cref="SgdLearningRate"/>, batch <see cref="SgdBatchSize"/>)
    /// before full-batch GD starts (default 0). With the SGD regime's network, rate and batch these are that regime's
    /// warm-up, which leaves the network with the gapped top-k spectrum the claims are about (GD from there does not
    /// sharpen on the synthetic task; the README gives the numbers).
    /// </summary>
    public int SgdWarmUpSteps { get; init; }

    /// <summary>Learning rate of the SGD steps before GD in the edge-of-stability regime (default 0.5, the SGD regime's).</summary>
    public double SgdLearningRate { get; init; } = DefaultSgdLearningRate;

    /// <summary>Mini-batch of the SGD steps before GD in the edge-of-stability regime (default 32, the SGD regime's).</summary>
    public int SgdBatchSize { get; init; } = DefaultSgdBatchSize;

    private const double DefaultSgdLearningRate = 0.5;
    private const int DefaultSgdBatchSize = 32;

    /// <summary>The step at which the arms start: the SGD steps (edge-of-stability regime) plus the warm-up.</summary>
    public int SwitchStep => SgdWarmUpSteps + WarmUpSteps;

    /// <summary>
    /// The edge-of-stability preset: the tanh MLP in the standard parameterisation, in which GD sharpens to 2/η, on
    /// overlapping classes (<see cref="ClusterScale"/> 0.5, so GD trains long enough to sharpen) with uncentred inputs
    /// (<see cref="InputOffset"/> 1.9 sd, CIFAR-10's raw pixels), which give the Hessian its k outliers; the first
    /// candidate screened here that meets both of the regime's preconditions (the README lists them all). Full-batch GD
    /// from initialisation at η = 1.9 / λ_max there, 600 GD steps, then 300 per arm.
    /// </summary>
    public static DominantSubspaceSettings Eos => new()
    {
        EdgeOfStability = true, Parameterization = Parameterization.Standard, BatchSize = null, WarmUpSteps = 600, Steps = 300, RecordEvery = 20,
        ClusterScale = EdgeOfStabilityClusterScale, InputOffset = EdgeOfStabilityInputOffset,
    };

    // The preset's data, shared by the quick preset.
    private const double EdgeOfStabilityClusterScale = 0.5, EdgeOfStabilityInputOffset = 1.9;

    /// <summary>Seeds: the study runs with seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, … (default 8: the verdicts need mean + 1 sd inside the tolerance, and the sd of 3 seeds is itself uncertain by about half its size, of 8 by about a quarter).</summary>
    public int Seeds { get; init; } = 8;

    /// <summary>Seed of data, initialisation and batch order (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Small preset for a smoke run.</summary>
    public static DominantSubspaceSettings Quick => new()
    {
        Classes = 4, Samples = 128, InputDimension = 16, Width = 32, BatchSize = 16, WarmUpSteps = 60, Steps = 60, RecordEvery = 5, Seeds = 1,
    };

    /// <summary>The quick edge-of-stability preset: <see cref="Quick"/>'s sizes, <see cref="Eos"/>'s network, data shape and GD.</summary>
    public static DominantSubspaceSettings QuickEos => Quick with
    {
        EdgeOfStability = true, Parameterization = Parameterization.Standard, BatchSize = null, SgdBatchSize = 16,
        ClusterScale = EdgeOfStabilityClusterScale, InputOffset = EdgeOfStabilityInputOffset,
    };

    /// <summary>The rank in force: <see cref="Rank"/> or the number of outputs.</summary>
    public int EffectiveRank => Rank ?? Classes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option at fault.</summary>
    public void Validate()
    {
        if (Classes < 2) throw new ArgumentException($"--classes must be at least 2, got {Classes}.");
        if (Samples < 1) throw new ArgumentException($"--samples must be at least 1, got {Samples}.");
        if (InputDimension < 1) throw new ArgumentException($"--input-dimension must be at least 1, got {InputDimension}.");
        // The features are float32: centres of this spread stay far from its overflow at 3.4e38.
        if (!(ClusterScale > 0 && ClusterScale <= MaxClusterScale)) throw new ArgumentException($"--cluster-scale must be positive and at most {MaxClusterScale:G3} (the features are float32), got {ClusterScale}.");
        if (!(Math.Abs(InputOffset) <= MaxInputOffset)) throw new ArgumentException($"--input-offset must be a number of magnitude at most {MaxInputOffset:G3} standard deviations, got {InputOffset}.");
        if (Width < 1) throw new ArgumentException($"--width must be at least 1, got {Width}.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"--learning-rate must be positive, got {LearningRate}.");
        if (BatchSize is int b && b < 1) throw new ArgumentException($"--batch-size must be at least 1, got {b}.");
        if (WarmUpSteps < 0) throw new ArgumentException($"--warm-up-steps must be ≥ 0, got {WarmUpSteps}.");
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {Steps}.");
        if (EffectiveRank < 1) throw new ArgumentException($"--rank must be at least 1, got {EffectiveRank}.");
        if (RefreshEvery < 1) throw new ArgumentException($"--refresh-every must be at least 1, got {RefreshEvery}.");
        if (RecordEvery < 1) throw new ArgumentException($"--record-every must be at least 1, got {RecordEvery}.");
        if (SamRadius is double rho && !(rho > 0 && double.IsFinite(rho))) throw new ArgumentException($"--sam-radius must be positive, got {rho}.");
        if (EdgeOfStability && BatchSize is not null) throw new ArgumentException("--eos trains with full-batch GD; leave out --batch-size (or give 0).");
        if (!(EdgeOfStabilityFactor > 0 && EdgeOfStabilityFactor < 4)) throw new ArgumentException($"--eos-factor must be in (0, 4), got {EdgeOfStabilityFactor}.");
        if (EdgeOfStabilityFactor != DefaultEdgeOfStabilityFactor && !EdgeOfStability) throw new ArgumentException("--eos-factor applies only with --eos.");
        if (SgdWarmUpSteps < 0) throw new ArgumentException($"--sgd-warm-up-steps must be ≥ 0, got {SgdWarmUpSteps}.");
        if (SgdWarmUpSteps > 0 && !EdgeOfStability) throw new ArgumentException("--sgd-warm-up-steps applies only with --eos (the SGD and SAM regimes warm up with --warm-up-steps).");
        if (!(SgdLearningRate > 0) || !double.IsFinite(SgdLearningRate)) throw new ArgumentException($"--sgd-warm-up-rate must be positive, got {SgdLearningRate}.");
        if (SgdBatchSize < 1) throw new ArgumentException($"--sgd-warm-up-batch must be at least 1, got {SgdBatchSize}.");
        if (!EdgeOfStability && (SgdLearningRate != DefaultSgdLearningRate || SgdBatchSize != DefaultSgdBatchSize))
            throw new ArgumentException("--sgd-warm-up-rate and --sgd-warm-up-batch apply only with --eos --sgd-warm-up-steps S (the SGD and SAM regimes take --learning-rate and --batch-size).");
        if (Activation is not (ActivationKind.Tanh or ActivationKind.Relu)) throw new ArgumentException($"--activation must be tanh or relu, got {Activation}.");
        if (!Enum.IsDefined(Parameterization)) throw new ArgumentException($"--parameterization must be ntk, standard or meanfield, got {Parameterization}.");
        if (Seeds < 1 || Seeds > 100) throw new ArgumentException($"--seeds must be in 1..100, got {Seeds}.");
        if (HessianSamples < 1) throw new ArgumentException($"--hessian-samples must be at least 1, got {HessianSamples}.");
        // An image dataset's n is known only once it is loaded (it may hold fewer images per class than asked for).
        if (Dataset is null) RequireBatchesFit(Samples);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the option when a mini-batch (<see cref="BatchSize"/>, or with
    /// <see cref="SgdWarmUpSteps"/> the <see cref="SgdBatchSize"/>) exceeds the <paramref name="trainCount"/> samples.
    /// </summary>
    public void RequireBatchesFit(int trainCount)
    {
        if (BatchSize is int b && b > trainCount)
            throw new ArgumentException($"--batch-size {b} exceeds the {trainCount} training samples; give at most {trainCount}, or 0 for full-batch GD.");
        if (SgdWarmUpSteps > 0 && SgdBatchSize > trainCount)
            throw new ArgumentException($"--sgd-warm-up-batch {SgdBatchSize} exceeds the {trainCount} training samples; give at most {trainCount}.");
    }
}
