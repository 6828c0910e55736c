using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Diagnostics;

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
