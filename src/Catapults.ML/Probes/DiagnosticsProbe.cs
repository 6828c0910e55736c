using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

using System.Text.Json;
using System.Text.Json.Nodes;
using Catapults.ML.Diagnostics;

namespace Catapults.ML.Probes;

/// <summary>
/// The catapult diagnostics probe: at its cadence, the full training loss, the top NTK eigenvalues on a fixed probe
/// set (Lanczos warm-started from the previous record), η_crit of the current batch (also every step, on request),
/// and the projected losses PL_s / PL_s⊥. Catapults are found by a <see cref="CatapultDetector"/> post-processing the
/// recorded loss series.
/// </summary>
/// <remarks>
/// Everything is measured in <see cref="ITrainingObserver.OnBeforeStep"/>, where the model holds w_t and the batch
/// of step t is known, and the base completes the record with the step's batch loss after it. Records
/// start afresh with each training run unless a state was restored before it. The
/// probe never changes training: it evaluates the model in evaluation mode, takes gradients with
/// <c>torch.autograd.grad</c> (never through <c>.grad</c>), draws randomness from its own generators, and writes
/// no parameter. Records of a diverged run stop before the first non-finite weights. Dispose the probe (or let
/// training complete) to release its tensors.
/// </remarks>
public sealed class DiagnosticsProbe : ScheduledProbe<DiagnosticsRecord>
{
    private const string ProbeWarmStart = "probe_warm_start";
    private const string CriticalRateWarmStart = "critical_rate_warm_start";
    private readonly List<CriticalRateRecord> _criticalRates = new();
    private TensorDataset? _probe;
    private bool _ownsProbe;
    // The batch critical rate of the current step, and when its measurements started.
    private CriticalRateRecord? _stepRate;
    private long _stepStarted;
    private LossKind _loss;
    private bool _fullBatch;
    private int? _stepsPerEpoch;
    private readonly Stopwatch _clock = new();

    /// <summary>Creates the probe with <paramref name="options"/> (defaults when null).</summary>
    public DiagnosticsProbe(DiagnosticsOptions? options = null) : base("diagnostics", options ??= new DiagnosticsOptions()) => Options = options;

    /// <summary>The options.</summary>
    public DiagnosticsOptions Options { get; }

    /// <summary>Every batch critical learning rate computed, in step order.</summary>
    public IReadOnlyList<CriticalRateRecord> CriticalRates => _criticalRates;

    /// <summary>The recorded loss series: (step, full training loss or else batch loss, λ₁) of each record, in step order.</summary>
    public IReadOnlyList<LossPoint> LossSeries()
    {
        var points = new List<LossPoint>();
        foreach (var record in Records)
            if ((record.FullTrainingLoss ?? record.BatchLoss) is double loss && (points.Count == 0 || points[^1].Step < record.Step))
                points.Add(new LossPoint(record.Step, loss, record.TopEigenvalue));
        return points;
    }

    /// <summary>A detector fed with <see cref="LossSeries"/> (empty when <see cref="DiagnosticsOptions.DetectCatapults"/> is off), for its events and spikes.</summary>
    public CatapultDetector Detector
    {
        get
        {
            var detector = new CatapultDetector(Options.Detector);
            if (Options.DetectCatapults)
                foreach (var point in LossSeries()) detector.Add(point);
            return detector;
        }
    }

    /// <summary>Catapults found in the recorded loss series.</summary>
    public IReadOnlyList<CatapultEvent> CatapultEvents => Options.DetectCatapults ? CatapultDetector.Detect(LossSeries(), Options.Detector) : Array.Empty<CatapultEvent>();

    /// <summary>Total time spent in the probe.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The records as a DataFrame (see <see cref="DiagnosticsFrames.Records"/>).</summary>
    public override DataFrame ToDataFrame() => DiagnosticsFrames.Records(Records);

    /// <summary>
    /// The catapult events as a DataFrame, with whether each one's λ_max drop stands out from its drift (Clear; null
    /// where it could not be judged, and for every event when no spectrum was recorded).
    /// </summary>
    public DataFrame EventsToDataFrame()
    {
        if (Options.EigenvalueCount == 0) return DiagnosticsFrames.Events(CatapultEvents);
        // One detection pass for the events and their judgement (the detector holds no points when detection is off).
        var (events, clearEvents, unjudgedEvents) = Detector.JudgeDrift();
        var clear = clearEvents.ToHashSet();
        var unjudged = unjudgedEvents.ToHashSet();
        return DiagnosticsFrames.Events(events, e => unjudged.Contains(e) ? null : clear.Contains(e));
    }

    /// <summary>The batch critical learning rates as a DataFrame.</summary>
    public DataFrame CriticalRatesToDataFrame() => DiagnosticsFrames.CriticalRates(_criticalRates);

    /// <inheritdoc />
    protected override void WriteState(JsonObject data)
    {
        data["criticalRates"] = JsonSerializer.SerializeToNode(_criticalRates, ProbeJson.Options);
        data["eigenvalueCount"] = Options.EigenvalueCount;
    }

    /// <inheritdoc />
    protected override void ReadState(JsonObject data)
    {
        var rates = data["criticalRates"]?.Deserialize<List<CriticalRateRecord>>(ProbeJson.Options)
            ?? throw new JsonException("the state has no criticalRates");
        RecordChecks.RequireComplete<CriticalRateRecord>(rates, "critical rate");
        // A table of records with two eigenvalues continued by a probe measuring four would leave columns half empty.
        RequireCapturedSetting(data, "eigenvalueCount", Options.EigenvalueCount, "an eigenvalue count of");
        _criticalRates.Clear();
        _criticalRates.AddRange(rates);
    }

    /// <inheritdoc />
    protected override int StepOf(DiagnosticsRecord record) => record.Step;

    /// <inheritdoc />
    public override void OnTrainingStarted(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _clock.Start();
        try
        {
            ReleaseProbeSet();
            // A restored state's run continues with its records and warm starts; any other start begins empty.
            if (!TakeRestored(context))
            {
                ClearWarmStarts();
                ClearRecords();
                _criticalRates.Clear();
                ForgetLastLearningRate();
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

    /// <summary>
    /// Measures the batch critical rate at its own cadence (every step, on request), then lets the base take the
    /// record of a due step, which carries that rate.
    /// </summary>
    public override void OnBeforeStep(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _clock.Start();
        try
        {
            _stepRate = null;
            _stepStarted = Stopwatch.GetTimestamp();
            bool record = IsDue(step.Step) && LastStep != step.Step;
            if (Options.CriticalRate == CriticalRateCadence.EveryStep || (Options.CriticalRate == CriticalRateCadence.AtRecords && record))
            {
                // Weights are checked for finiteness only when a measurement fails or comes out NaN: checking them
                // every step would cost as much as η_crit of a small batch.
                var model = step.Training.Model;
                if (Guarded(step.Step, model, () => BatchCriticalRate(model, step)) is not { } rate) return;
                if (double.IsNaN(rate.Value) || double.IsNaN(rate.Sharpness))
                {
                    DivergedUnlessWeightsAreNonFinite(model, step.Step, "the batch critical rate");
                    return;
                }
                _criticalRates.Add(rate);
                _stepRate = rate;
            }
            base.OnBeforeStep(step);
        }
        finally
        {
            _clock.Stop();
        }
    }

    /// <inheritdoc />
    protected override DiagnosticsRecord? Measure(StepContext step)
    {
        var model = step.Training.Model;
        double? full = Options.RecordFullLoss && !_fullBatch && step.Training.TrainingData is { } data ? EvaluationLoss(model, data) : null;
        if (full is double f && !double.IsFinite(f))
        {
            DivergedUnlessWeightsAreNonFinite(model, step.Step, $"the full training loss ({f:G4})");
            return null;
        }
        var measured = Measure(model, step.Step, step.Epoch, step.LearningRate, full, isFinal: false);
        if (measured.Eigenvalues.Any(double.IsNaN))
        {
            DivergedUnlessWeightsAreNonFinite(model, step.Step, "the NTK spectrum of the probe set");
            return null;
        }
        return measured with
        {
            CriticalLearningRate = _stepRate?.Value,
            BatchSharpness = _stepRate?.Sharpness,
            Seconds = Stopwatch.GetElapsedTime(_stepStarted).TotalSeconds,
        };
    }

    /// <summary>A record waits for its step's batch loss (and, for full-batch GD, its full training loss).</summary>
    protected override bool CompletesAfterStep => true;

    /// <inheritdoc />
    protected override DiagnosticsRecord Complete(DiagnosticsRecord measured, StepRecord step) => measured with
    {
        BatchLoss = step.BatchLoss,
        FullTrainingLoss = measured.FullTrainingLoss ?? step.FullTrainingLoss ?? (_fullBatch ? step.BatchLoss : null),
    };

    /// <inheritdoc />
    /// <remarks>
    /// A full-batch run that stopped at this record's step (its target loss reached at these weights) took no step to
    /// complete it from; the result's final loss is the full loss at these weights (found by review: it was left out).
    /// </remarks>
    protected override DiagnosticsRecord Uncompleted(DiagnosticsRecord measured, TrainingResult result) =>
        measured.Step == result.Steps && measured.FullTrainingLoss is null && result.FinalTrainingLoss is double final
            ? measured with { FullTrainingLoss = final, BatchLoss = _fullBatch ? final : measured.BatchLoss }
            : measured;

    /// <inheritdoc />
    protected override DiagnosticsRecord? MeasureFinal(TrainingResult result, TrainingContext context)
    {
        var model = context.Model;
        if (!model.HasFiniteParameters()) return null;
        var started = Stopwatch.GetTimestamp();
        double? full = result.FinalTrainingLoss;
        if (full is null && Options.RecordFullLoss && context.TrainingData is { } data) full = EvaluationLoss(model, data);
        int epoch = _stepsPerEpoch is int pe && pe > 0 ? result.Steps / pe : 0;
        var final = Measure(model, result.Steps, epoch, LastLearningRate, full, isFinal: true);
        return final with { Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds };
    }

    /// <inheritdoc />
    public override void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        _clock.Start();
        try
        {
            base.OnTrainingCompleted(result, context);
        }
        finally
        {
            // A cancelled run may be captured and continued, which needs its warm starts for the same eigenvectors.
            if (result.Outcome != TrainingOutcome.Cancelled) ClearWarmStarts();
            ReleaseProbeSet();
            _clock.Stop();
        }
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
        using var eig = op.TopEigenpairs(k, Options.Lanczos, WarmStart(ProbeWarmStart, op.Dimension));
        if (eig.Values.All(double.IsFinite)) KeepWarmStart(ProbeWarmStart, eig.Vectors);
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
            using var eig = CriticalLearningRate.ComputeWithVector(model, features, _loss, Options.CriticalRateOptions, WarmStart(CriticalRateWarmStart, dimension), out result);
            if (double.IsFinite(result.Sharpness) && eig.Vectors.shape[1] > 0) KeepWarmStart(CriticalRateWarmStart, eig.Vectors);
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
        return Losses.Evaluate(model, data, _loss);
    }


    private void ReleaseProbeSet()
    {
        if (_ownsProbe) _probe?.Dispose();
        _probe = null;
        _ownsProbe = false;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        ReleaseProbeSet();
        base.Dispose(disposing);
    }
}
