using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>Options of <see cref="SharpnessObserver"/>.</summary>
public sealed class SharpnessObserverOptions
{
    /// <summary>Measure every this many steps (default 10), at w_t before step t's update.</summary>
    public int Every { get; set; } = 10;

    /// <summary>Also measure at the final weights (default true).</summary>
    public bool RecordFinal { get; set; } = true;

    /// <summary>Hessian options (training subset, chunking).</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default: largest algebraic eigenvalue, tolerance 1e-4).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"SharpnessObserverOptions.Every must be at least 1, got {Every}.", nameof(Every));
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}

/// <summary>
/// One sharpness measurement: λ_max of the training-loss Hessian at w_t, and the edge-of-stability level 2/η. With the
/// engine's MSE L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖² (no ½), gradient descent on a quadratic with curvature λ is stable iff
/// λ &lt; 2/η, so the Hessian's λ_max is compared with 2/η directly (the normalisation is already inside H).
/// </summary>
public sealed record SharpnessRecord(int Step, bool IsFinal, double LearningRate, double Sharpness, double StabilityThreshold,
    double RelativeResidual, int Products);

/// <summary>
/// Tracks the sharpness λ_max(∇²L) over training for edge-of-stability plots. Each measurement is a warm-started
/// Lanczos solve with Hessian-vector products on the training set (or a fixed subset; the batch when online).
/// It reads the model only.
/// </summary>
public sealed class SharpnessObserver : ITrainingObserver, IDisposable
{
    private readonly SharpnessObserverOptions _options;
    private readonly List<SharpnessRecord> _records = new();
    private Tensor? _previous;
    private double _lastRate = double.NaN;
    private int _lastStep = -1;

    /// <summary>Creates the observer.</summary>
    public SharpnessObserver(SharpnessObserverOptions? options = null)
    {
        _options = options ?? new SharpnessObserverOptions();
        _options.Validate();
    }

    /// <summary>The measurements so far.</summary>
    public IReadOnlyList<SharpnessRecord> Records => _records;

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step)
    {
        _lastRate = step.LearningRate;
        if (step.Step % _options.Every != 0) return;
        Measure(step.Step, false, step.LearningRate, step.Training, step.Batch.Features, step.Batch.Targets);
    }

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        if (!_options.RecordFinal || result.Outcome == TrainingOutcome.Diverged || context.TrainingData is null) return;
        if (_lastStep == result.Steps) return;
        Measure(result.Steps, true, _lastRate, context, null, null);
    }

    private void Measure(int step, bool final, double rate, TrainingContext context, Tensor? batchFeatures, Tensor? batchTargets)
    {
        var data = context.TrainingData;
        var features = data?.Features ?? batchFeatures;
        var targets = data?.Targets ?? batchTargets;
        if (features is null || targets is null) return;
        using var scope = torch.NewDisposeScope();
        using var op = new HessianOperator(context.Model, features, targets, context.Options.Loss, _options.Hessian);
        var lanczos = _options.Lanczos.Clone();
        lanczos.Which = SpectrumEnd.LargestAlgebraic;
        using var result = op.TopEigenpairs(1, lanczos, _previous);
        _previous?.Dispose();
        _previous = result.Vectors.clone().DetachFromDisposeScope();
        _lastStep = step;
        _records.Add(new SharpnessRecord(step, final, rate, result.Values[0], rate > 0 ? 2.0 / rate : double.NaN,
            result.RelativeResiduals.DefaultIfEmpty(double.NaN).First(), result.OperatorApplications));
    }

    /// <summary>The records as a DataFrame: Step, IsFinal, LearningRate, Sharpness, StabilityThreshold (2/η), RelativeResidual, Products.</summary>
    public DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", _records.Select(r => (int?)r.Step)),
        new BooleanDataFrameColumn("IsFinal", _records.Select(r => (bool?)r.IsFinal)),
        new DoubleDataFrameColumn("LearningRate", _records.Select(r => (double?)r.LearningRate)),
        new DoubleDataFrameColumn("Sharpness", _records.Select(r => (double?)r.Sharpness)),
        new DoubleDataFrameColumn("StabilityThreshold", _records.Select(r => (double?)r.StabilityThreshold)),
        new DoubleDataFrameColumn("RelativeResidual", _records.Select(r => (double?)r.RelativeResidual)),
        new Int32DataFrameColumn("Products", _records.Select(r => (int?)r.Products)));

    /// <inheritdoc />
    public void Dispose()
    {
        _previous?.Dispose();
        _previous = null;
    }
}
