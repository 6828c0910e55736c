using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Diagnostics;

/// <summary>
/// A training observer that records catapult diagnostics at a cadence: the full training loss, the top NTK
/// eigenvalues on a fixed probe set (Lanczos warm-started from the previous record), η_crit of the current batch,
/// and the projected losses PL_s / PL_s⊥; it feeds the loss stream to a <see cref="CatapultDetector"/>.
/// </summary>
/// <remarks>
/// Everything is measured in <see cref="ITrainingObserver.OnBeforeStep"/>, where the model holds w_t and the batch
/// of step t is known, and completed with the batch loss in <see cref="ITrainingObserver.OnStepCompleted"/>. The
/// observer never changes training: it evaluates the model in evaluation mode, takes gradients with
/// <c>torch.autograd.grad</c> (never through <c>.grad</c>), draws randomness from its own generators, and writes
/// no parameter. Records of a diverged run stop before the first non-finite weights. Dispose the observer (or let
/// training complete) to release its tensors.
/// </remarks>
public sealed class DiagnosticsObserver : ITrainingObserver, IDisposable
{
    private readonly List<DiagnosticsRecord> _records = new();
    private readonly List<CriticalRateRecord> _criticalRates = new();
    private CatapultDetector _detector;
    private TensorDataset? _probe;
    private bool _ownsProbe;
    private Tensor? _warmStart;
    private Tensor? _criticalWarmStart;
    private DiagnosticsRecord? _pending;
    private LossKind _loss;
    private bool _fullBatch;
    private int? _stepsPerEpoch;
    private double _lastRate;
    // Set by RestoreState and taken over by the next training start, which keeps the restored records.
    private (Tensor? Probe, Tensor? CriticalRate)? _restoredWarmStarts;
    private readonly Stopwatch _clock = new();

    /// <summary>Creates the observer with <paramref name="options"/> (defaults when null).</summary>
    public DiagnosticsObserver(DiagnosticsOptions? options = null)
    {
        Options = options ?? new DiagnosticsOptions();
        Options.Validate();
        _detector = new CatapultDetector(Options.Detector);
    }

    /// <summary>The options.</summary>
    public DiagnosticsOptions Options { get; }

    /// <summary>The records, in step order.</summary>
    public IReadOnlyList<DiagnosticsRecord> Records => _records;

    /// <summary>Every batch critical learning rate computed, in step order.</summary>
    public IReadOnlyList<CriticalRateRecord> CriticalRates => _criticalRates;

    /// <summary>The detector fed with (step, loss, λ₁) at each record.</summary>
    public CatapultDetector Detector => _detector;

    /// <summary>Catapults found in the recorded loss stream.</summary>
    public IReadOnlyList<CatapultEvent> CatapultEvents => _detector.Events;

    /// <summary>Total time spent in the observer.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The records as a DataFrame (see <see cref="DiagnosticsFrames.Records"/>).</summary>
    public DataFrame ToDataFrame() => DiagnosticsFrames.Records(_records);

    /// <summary>The catapult events as a DataFrame.</summary>
    public DataFrame EventsToDataFrame() => DiagnosticsFrames.Events(CatapultEvents);

    /// <summary>The batch critical learning rates as a DataFrame.</summary>
    public DataFrame CriticalRatesToDataFrame() => DiagnosticsFrames.CriticalRates(_criticalRates);

    /// <summary>
    /// A copy of the observer's state, for a checkpoint. Take it between steps, after this observer's
    /// <see cref="OnStepCompleted"/> (for example from an observer listed after it), or after training.
    /// </summary>
    /// <exception cref="InvalidOperationException">A step's record is half done: it was measured before the step but
    /// not yet completed with the step's batch loss.</exception>
    public DiagnosticsState CaptureState()
    {
        if (_pending is not null)
            throw new InvalidOperationException(
                $"The record of step {_pending.Step} is not complete yet: capture the state after this observer's OnStepCompleted for that step.");
        return new DiagnosticsState
        {
            Records = _records.ToList(),
            CriticalRates = _criticalRates.ToList(),
            LastLearningRate = _lastRate,
            ProbeWarmStart = DiagnosticsState.Own(_warmStart),
            CriticalRateWarmStart = DiagnosticsState.Own(_criticalWarmStart),
        };
    }

    /// <summary>
    /// Continues from <paramref name="state"/> (taken by <see cref="CaptureState"/>, possibly in another process)
    /// at the next training start, instead of starting empty: use it with <see cref="Trainer.ResumeAt"/>. The records
    /// are available at once; the observer keeps its own copies of the tensors, so the caller still disposes
    /// <paramref name="state"/>.
    /// </summary>
    public void RestoreState(DiagnosticsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ResetRecords(state);
        DisposeRestoredWarmStarts();
        _restoredWarmStarts = (DiagnosticsState.Own(state.ProbeWarmStart), DiagnosticsState.Own(state.CriticalRateWarmStart));
    }

    /// <inheritdoc />
    public void OnTrainingStarted(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _clock.Start();
        try
        {
            ReleaseTensors();
            _pending = null;
            if (_restoredWarmStarts is { } restored)
            {
                (_warmStart, _criticalWarmStart) = restored;
                _restoredWarmStarts = null;
            }
            else
            {
                ResetRecords(null);
            }
            _loss = context.Options.Loss;
            _fullBatch = context.Source is EpochBatchSource { IsFullBatch: true };
            _stepsPerEpoch = context.Source.StepsPerEpoch;
            if (Options.EigenvalueCount > 0) ChooseProbe(context);
        }
        finally
        {
            _clock.Stop();
        }
    }

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _clock.Start();
        try
        {
            var model = step.Training.Model;
            _lastRate = step.LearningRate;
            bool record = step.Step % Options.RecordEvery == 0;
            bool critical = Options.CriticalRate == CriticalRateCadence.EveryStep || (Options.CriticalRate == CriticalRateCadence.AtRecords && record);
            if (!record && !critical) return;
            var started = Stopwatch.GetTimestamp();
            // Weights are checked for finiteness only when a measurement fails or comes out NaN: checking them every
            // step would cost as much as η_crit of a small batch.
            CriticalRateRecord? rate = null;
            if (critical)
            {
                try
                {
                    rate = BatchCriticalRate(model, step);
                }
                catch (Exception) when (!WeightsAreFinite(model))
                {
                    return;
                }
                if ((double.IsNaN(rate.Value) || double.IsNaN(rate.Sharpness)) && !WeightsAreFinite(model)) return;
                _criticalRates.Add(rate);
            }
            if (!record) return;

            double? full = Options.RecordFullLoss && !_fullBatch && step.Training.TrainingData is { } data ? EvaluationLoss(model, data) : null;
            if (full is double f && !double.IsFinite(f) && !WeightsAreFinite(model)) return;
            DiagnosticsRecord measured;
            try
            {
                measured = Measure(model, step.Step, step.Epoch, step.LearningRate, full, isFinal: false);
            }
            catch (Exception) when (!WeightsAreFinite(model))
            {
                return;
            }
            if (measured.Eigenvalues.Any(double.IsNaN) && !WeightsAreFinite(model)) return;
            _pending = measured with
            {
                CriticalLearningRate = rate?.Value,
                BatchSharpness = rate?.Sharpness,
            };
            _pending = _pending with { Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds };
        }
        finally
        {
            _clock.Stop();
        }
    }

    /// <inheritdoc />
    public void OnStepCompleted(StepRecord record, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_pending is null || _pending.Step != record.Step) return;
        double? full = _pending.FullTrainingLoss ?? record.FullTrainingLoss ?? (_fullBatch ? record.BatchLoss : null);
        Commit(_pending with { BatchLoss = record.BatchLoss, FullTrainingLoss = full });
        _pending = null;
    }

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        _clock.Start();
        try
        {
            // A step that diverged after its measurement still has a record at w_t, without batch loss.
            if (_pending is not null) Commit(_pending);
            _pending = null;
            var model = context.Model;
            if (Options.RecordFinal && !result.Diverged && WeightsAreFinite(model) && _records.All(r => r.Step != result.Steps))
            {
                var started = Stopwatch.GetTimestamp();
                double? full = result.FinalTrainingLoss;
                if (full is null && Options.RecordFullLoss && context.TrainingData is { } data) full = EvaluationLoss(model, data);
                int epoch = _stepsPerEpoch is int pe && pe > 0 ? result.Steps / pe : 0;
                var final = Measure(model, result.Steps, epoch, _lastRate, full, isFinal: true);
                Commit(final with { Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds });
            }
        }
        finally
        {
            ReleaseTensors();
            _clock.Stop();
        }
    }

    private void ResetRecords(DiagnosticsState? state)
    {
        _records.Clear();
        _criticalRates.Clear();
        _detector = new CatapultDetector(Options.Detector);
        _lastRate = state?.LastLearningRate ?? 0;
        if (state is null) return;
        _criticalRates.AddRange(state.CriticalRates);
        foreach (var record in state.Records) Commit(record);
    }

    private void Commit(DiagnosticsRecord record)
    {
        _records.Add(record);
        if (!Options.DetectCatapults) return;
        double? loss = record.FullTrainingLoss ?? record.BatchLoss;
        if (loss is double l && (_detector.Points.Count == 0 || _detector.Points[^1].Step < record.Step))
            _detector.Add(record.Step, l, record.TopEigenvalue);
    }

    private void ChooseProbe(TrainingContext context)
    {
        if (Options.ProbeSet is { } given)
        {
            if (given.FeatureDimension != context.Model.InputDimension)
                throw new ArgumentException(
                    $"DiagnosticsOptions.ProbeSet has {given.FeatureDimension} features but the model expects {context.Model.InputDimension}.");
            _probe = given;
            _ownsProbe = false;
            return;
        }
        var data = context.TrainingData ?? throw new ArgumentException(
            "DiagnosticsOptions.ProbeSet must be set for online training (there is no training set to draw a probe set from).");
        if (data.Count <= Options.ProbeSize)
        {
            _probe = data;
            _ownsProbe = false;
            return;
        }
        var rng = Seeding.DotNetRandom(Options.ProbeSeed, Seeding.Stream.Diagnostics);
        var indices = Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray();
        for (int i = 0; i < Options.ProbeSize; i++)
        {
            int j = i + rng.Next(data.Count - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        _probe = data.Subset(indices.Take(Options.ProbeSize).OrderBy(i => i).ToArray(), data.Name + "[probe]");
        _ownsProbe = true;
    }

    private DiagnosticsRecord Measure(NetworkModule model, int step, int epoch, double rate, double? fullLoss, bool isFinal)
    {
        var record = new DiagnosticsRecord { Step = step, Epoch = epoch, LearningRate = rate, IsFinal = isFinal, FullTrainingLoss = fullLoss };
        if (Options.EigenvalueCount <= 0 || _probe is null) return record;
        using var scope = torch.NewDisposeScope();
        var x = _probe.Features;
        int k = (int)Math.Min(Options.EigenvalueCount, (long)_probe.Count * model.OutputCount);
        using var op = NeuralTangentKernel.CreateOperator(model, x, Options.Ntk, k);
        var warm = _warmStart is not null && _warmStart.shape[0] == op.Dimension ? _warmStart : null;
        using var eig = LanczosEigensolver.Solve(op, k, Options.Lanczos, warm);
        if (eig.Values.All(double.IsFinite))
        {
            var previous = _warmStart;
            _warmStart = eig.Vectors.detach().clone().DetachFromDisposeScope();
            previous?.Dispose();
        }
        record = record with
        {
            Eigenvalues = eig.Values,
            EigenResidual = eig.Values.Length > 0 && eig.Values[0] != 0 ? eig.MaxRelativeResidual * eig.NormEstimate / Math.Abs(eig.Values[0]) : null,
            EigenConverged = eig.Converged,
            EigenProducts = eig.OperatorApplications,
        };
        if (_loss != LossKind.MeanSquaredError || _probe.HasClassTargets) return record;
        Tensor outputs;
        using (new EvaluationModeScope(model))
        using (torch.no_grad())
            outputs = model.forward(x);
        var projected = ProjectedLosses.Compute(outputs - _probe.Targets.to(outputs.device), eig.Vectors);
        return record with { ProbeLoss = projected.Loss, ProjectedLosses = projected.Projected, OrthogonalLosses = projected.Orthogonal };
    }

    private CriticalRateRecord BatchCriticalRate(NetworkModule model, StepContext step)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = torch.NewDisposeScope();
        var features = step.Batch.Features;
        long dimension = (long)step.Batch.Size * model.OutputCount;
        // The same samples every step (full batch): the previous top eigenvector is an excellent start for an
        // iterative solve. Small kernels are diagonalised directly and need no vector.
        var lanczos = Options.CriticalRateOptions.Lanczos ?? new LanczosOptions();
        bool iterative = lanczos.Mode == EigensolverMode.Iterative || (lanczos.Mode == EigensolverMode.Auto && dimension > lanczos.DenseThreshold);
        CriticalLearningRateResult result;
        if (_fullBatch && iterative)
        {
            var warm = _criticalWarmStart is not null && _criticalWarmStart.shape[0] == dimension ? _criticalWarmStart : null;
            using var eig = CriticalLearningRate.ComputeWithVector(model, features, _loss, Options.CriticalRateOptions, warm, out result);
            if (double.IsFinite(result.Sharpness) && eig.Vectors.shape[1] > 0)
            {
                var previous = _criticalWarmStart;
                _criticalWarmStart = eig.Vectors.detach().clone().DetachFromDisposeScope();
                previous?.Dispose();
            }
        }
        else
        {
            result = CriticalLearningRate.Compute(model, features, _loss, Options.CriticalRateOptions);
        }
        return new CriticalRateRecord(step.Step, step.LearningRate, result.Value, result.Sharpness, result.BatchSize,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private double EvaluationLoss(NetworkModule model, TensorDataset data)
    {
        using var mode = new EvaluationModeScope(model);
        return Trainer.EvaluateLoss(model, data, _loss);
    }

    private static bool WeightsAreFinite(NetworkModule model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.TrainableParameters().All(p => torch.isfinite(p.Parameter).all().ToBoolean());
    }

    private void ReleaseTensors()
    {
        _warmStart?.Dispose();
        _warmStart = null;
        _criticalWarmStart?.Dispose();
        _criticalWarmStart = null;
        if (_ownsProbe) _probe?.Dispose();
        _probe = null;
        _ownsProbe = false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseTensors();
        DisposeRestoredWarmStarts();
    }

    private void DisposeRestoredWarmStarts()
    {
        _restoredWarmStarts?.Probe?.Dispose();
        _restoredWarmStarts?.CriticalRate?.Dispose();
        _restoredWarmStarts = null;
    }
}
