using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// The base of every probe: it owns the cadence (a measurement at w_t for every step t divisible by
/// <see cref="Every"/>, before step t's update, and one at the final weights), the records, the warm-start vectors
/// of iterative solves, and the capture and restore of all of it for checkpoints. A probe follows one model through
/// any number of <see cref="Trainer"/> runs: records accumulate, and a restored state continues them.
/// </summary>
/// <remarks>
/// Subclasses implement <see cref="Measure"/> (and <see cref="MeasureFinal"/> when the final weights need another
/// measurement), <see cref="StepOf"/> and <see cref="ToDataFrame"/>; a record that needs its step's batch loss is
/// completed through <see cref="CompletesAfterStep"/> and <see cref="Complete"/>; a probe with values beyond its records adds them
/// through <see cref="WriteState"/> and <see cref="ReadState"/>. Like every observer, a probe never changes training.
/// </remarks>
/// <typeparam name="TRecord">One measurement; JSON-serialisable.</typeparam>
public abstract class ScheduledProbe<TRecord> : IProbe
{
    private const string RecordsKey = "records";
    private const string EveryKey = "every";
    private const string LastRateKey = "lastLearningRate";
    private readonly List<TRecord> _records = new();
    private readonly Dictionary<string, Tensor> _warmStarts = new(StringComparer.Ordinal);
    // A record measured before its step that waits for the step's outcome (see CompletesAfterStep).
    private TRecord? _pending;
    // Set by RestoreState until the next training start, which continues the run the state was captured in.
    private bool _restored;
    // Index of the first record of the trajectory under way: a run from step 0 starts a new one, so an earlier run's
    // record of the same step must not stand for this run's (see LastStep).
    private int _runStart;
    private bool _disposed;
    private double _lastRate;

    /// <summary>Creates the probe named <paramref name="name"/> with the cadence of <paramref name="options"/> (validated).</summary>
    protected ScheduledProbe(string name, ProbeOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        Every = options.Every;
        RecordFinal = options.RecordFinal;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Every { get; }

    /// <summary>Whether the final weights are measured.</summary>
    public bool RecordFinal { get; }

    /// <summary>The measurements so far, in step order.</summary>
    public IReadOnlyList<TRecord> Records => _records;

    /// <summary>
    /// The measurement of step <paramref name="step"/> as soon as it is taken: its record, or, for a probe whose
    /// records complete after the step (<see cref="CompletesAfterStep"/>), the measurement of the step under way, whose
    /// fields from the step itself are not set yet. Null when there is neither.
    /// </summary>
    public TRecord? MeasurementAt(int step) => _pending is { } pending && StepOf(pending) == step ? pending : RecordAt(step);

    /// <summary>The record measured at step <paramref name="step"/>, or null when there is none.</summary>
    public TRecord? RecordAt(int step)
    {
        for (int i = _records.Count - 1; i >= 0; i--)
        {
            // No early stop at a smaller step: a probe that followed several runs starts each at 0 (found by review).
            if (StepOf(_records[i]) == step) return _records[i];
        }
        return default;
    }

    /// <summary>
    /// The learning rate of the last step this probe saw, the rate a final record reports; 0 before the first step of a
    /// run. It is part of a captured state, so a resumed run's final record reports the rate the uninterrupted run would.
    /// </summary>
    protected double LastLearningRate => _lastRate;

    /// <summary>Forgets <see cref="LastLearningRate"/>, for a subclass whose new run does not continue a restored one.</summary>
    protected void ForgetLastLearningRate() => _lastRate = 0;

    /// <summary>
    /// The step of the last record of the trajectory under way, or null before its first: the guard against measuring a
    /// step twice. A run that starts later than step 0 (the same trainer's next run, <see cref="Trainer.ResumeAt"/>) or
    /// continues a restored state continues the trajectory; any other run starts a new one, whose steps start again at 0,
    /// so the records of earlier runs do not count.
    /// </summary>
    protected int? LastStep => _records.Count > _runStart ? StepOf(_records[^1]) : null;

    /// <inheritdoc />
    public abstract DataFrame ToDataFrame();

    /// <summary>The step (updates made) at which <paramref name="record"/> was measured.</summary>
    protected abstract int StepOf(TRecord record);

    /// <summary>Whether step <paramref name="step"/> is due for a measurement; by default every <see cref="Every"/>-th.</summary>
    protected virtual bool IsDue(int step) => step % Every == 0;

    /// <summary>Measures at w_t before step t's update; null when there is nothing to record.</summary>
    protected abstract TRecord? Measure(StepContext step);

    /// <summary>Measures at the final weights of a run that did not diverge; null when there is nothing to record.</summary>
    protected abstract TRecord? MeasureFinal(TrainingResult result, TrainingContext context);

    /// <summary>
    /// Whether a record measured before a step waits for that step's outcome (its batch loss) and is recorded by
    /// <see cref="Complete"/> after it; default false. A record of a step that never completes (the run diverged or
    /// stopped there) is recorded as measured.
    /// </summary>
    protected virtual bool CompletesAfterStep => false;

    /// <summary>Completes <paramref name="measured"/> with the outcome of its step; by default it is kept as measured.</summary>
    protected virtual TRecord Complete(TRecord measured, StepRecord step) => measured;

    /// <summary>
    /// A record measured before a step the run never completed (it stopped there: a target loss reached at those
    /// weights, or a cancellation), as it is kept; by default unchanged.
    /// </summary>
    protected virtual TRecord Uncompleted(TRecord measured, TrainingResult result) => measured;

    /// <summary>Adds a record (for probes that complete a record outside <see cref="Measure"/>).</summary>
    protected void Add(TRecord record) => _records.Add(record);

    /// <summary>Drops every record, and a half-done one (for probes whose records start afresh with each run).</summary>
    protected void ClearRecords()
    {
        _records.Clear();
        _runStart = 0;
        _pending = default;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A new run forgets the previous run's last rate; one that continues a restored state keeps it. A subclass that
    /// overrides this reads <see cref="TakeRestored"/> itself.
    /// </remarks>
    public virtual void OnTrainingStarted(TrainingContext context)
    {
        if (!TakeRestored(context)) ForgetLastLearningRate();
    }

    /// <inheritdoc />
    public virtual void OnBeforeStep(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lastRate = step.LearningRate;
        if (!IsDue(step.Step) || LastStep == step.Step) return;
        if (Guarded(step.Step, step.Training.Model, () => Measure(step)) is not { } record) return;
        if (CompletesAfterStep) _pending = record;
        else _records.Add(record);
    }

    /// <inheritdoc />
    public virtual void OnStepCompleted(StepRecord record, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_pending is null || StepOf(_pending) != record.Step) return;
        _records.Add(Complete(_pending, record));
        _pending = default;
    }

    /// <inheritdoc />
    public virtual void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending is not null) _records.Add(Uncompleted(_pending, result));
        _pending = default;
        if (!RecordFinal || result.Diverged || LastStep == result.Steps) return;
        if (Guarded(result.Steps, context.Model, () => MeasureFinal(result, context)) is { } record) _records.Add(record);
    }

    /// <summary>
    /// Runs a measurement of step <paramref name="step"/>, which meets a diverging run before the trainer's loss check
    /// does: a failure at non-finite weights gives no record (the trainer ends the run at this step), and a failure on
    /// non-finite values at finite weights (a kernel or Hessian that overflows float32) ends the run as diverged
    /// (<see cref="NonFiniteValueException"/>). Any other failure is the measurement's own and propagates.
    /// </summary>
    protected T? Guarded<T>(int step, NetworkModule model, Func<T?> measure)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(measure);
        try
        {
            return measure();
        }
        catch (Exception ex) when (ex is not NonFiniteValueException)
        {
            if (!model.HasFiniteParameters()) return default;
            if (NonFiniteValueException.Describes(ex))
                throw new NonFiniteValueException(step, $"the {Name} probe's measurement failed at step {step}: {ErrorText.FirstLine(ex)}", ex);
            throw;
        }
    }

    /// <summary>
    /// For a measurement of step <paramref name="step"/> that came out non-finite: at non-finite weights the caller
    /// records nothing (the trainer ends the run at this step); at finite weights this ends the run as diverged, with the
    /// reason "<paramref name="what"/> is not finite at step …".
    /// </summary>
    protected static void DivergedUnlessWeightsAreNonFinite(NetworkModule model, int step, string what)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.HasFiniteParameters()) throw new NonFiniteValueException(step, $"{what} is not finite at step {step}");
    }

    /// <summary>
    /// The warm start kept under <paramref name="name"/> when it has <paramref name="dimension"/> rows, else null: a probe
    /// that follows another model (or was restored from another model's state) starts cold, where the eigensolver
    /// would refuse vectors of the wrong size.
    /// </summary>
    protected Tensor? WarmStart(string name, long dimension) =>
        _warmStarts.GetValueOrDefault(name) is { } kept && kept.shape[0] == dimension ? kept : null;

    /// <summary>Keeps a float64 copy of <paramref name="vectors"/> as the warm start <paramref name="name"/> (replacing the previous one).</summary>
    protected void KeepWarmStart(string name, Tensor vectors)
    {
        var copy = ProbeState.Own(vectors);
        if (_warmStarts.Remove(name, out var previous)) previous.Dispose();
        _warmStarts[name] = copy;
    }

    /// <summary>Releases every warm start.</summary>
    protected void ClearWarmStarts()
    {
        foreach (var tensor in _warmStarts.Values) tensor.Dispose();
        _warmStarts.Clear();
    }

    /// <summary>Adds the probe's values beyond its records to a captured state.</summary>
    protected virtual void WriteState(JsonObject data) { }

    /// <summary>Reads what <see cref="WriteState"/> added.</summary>
    protected virtual void ReadState(JsonObject data) { }

    /// <summary>
    /// For <see cref="ReadState"/>: refuses a state captured under another value of a setting that shapes the records
    /// (written by <see cref="WriteState"/> under <paramref name="key"/>); one table would otherwise mix two kinds of
    /// record. A state without the key (written before it was kept) is accepted.
    /// </summary>
    /// <exception cref="JsonException">The captured value differs from <paramref name="value"/>.</exception>
    protected static void RequireCapturedSetting(JsonObject data, string key, double value, string what)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data[key] is not { } node) return;
        double captured = node is JsonValue json && json.GetValueKind() == JsonValueKind.Number
            ? node.Deserialize<double>(ProbeJson.Options)
            : throw new JsonException($"'{key}' is {ErrorText.Excerpt(node.ToJsonString())}, not a number.");
        if (captured != value)
            throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"it was captured with {what} {captured}, and this probe has {value}."));
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A record is half done: measured before its step, not yet completed after it.</exception>
    public virtual ProbeState CaptureState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending is not null)
            throw new InvalidOperationException(
                $"The {Name} record of step {StepOf(_pending)} is not complete yet: capture the state after this probe's OnStepCompleted for that step.");
        var data = new JsonObject
        {
            [RecordsKey] = JsonSerializer.SerializeToNode(_records, ProbeJson.Options), [EveryKey] = Every,
            [LastRateKey] = JsonSerializer.SerializeToNode(_lastRate, ProbeJson.Options),
        };
        WriteState(data);
        return new ProbeState(Name, data, _warmStarts);
    }

    /// <inheritdoc />
    public virtual void RestoreState(ProbeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (state.Name != Name) throw new ArgumentException($"The state is of the probe '{ErrorText.Excerpt(state.Name)}', not '{Name}'.", nameof(state));
        List<TRecord> records;
        double lastRate;
        try
        {
            records = state.Data[RecordsKey]?.Deserialize<List<TRecord>>(ProbeJson.Options)
                ?? throw new ArgumentException($"The state of the probe '{Name}' has no records.", nameof(state));
            // A null record, or one missing a list, would otherwise fail later in StepOf or ToDataFrame.
            RecordChecks.RequireComplete<TRecord>(records, "record");
            // States written before the cadence was kept have none; a state of another cadence would mix two in one table.
            if (state.Data[EveryKey] is { } everyNode)
            {
                if (everyNode is not JsonValue value || !value.TryGetValue(out int every))
                    throw new JsonException($"'{EveryKey}' is {ErrorText.Excerpt(everyNode.ToJsonString())}, not a whole number of steps.");
                if (every != Every)
                    throw new JsonException($"it was captured with a measurement every {every} steps, and this probe measures every {Every}.");
            }
            // Steps need not increase: a probe that followed the model through several trainers' runs starts each at 0.
            for (int i = 0; i < records.Count; i++)
                if (StepOf(records[i]) is var step and < 0) throw new JsonException($"record {i} is of step {step}; steps start at 0.");
            // States written before the rate was kept by every probe have none (a final record then reports 0).
            lastRate = state.Data[LastRateKey]?.Deserialize<double>(ProbeJson.Options) ?? 0;
            ReadState(state.Data);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The state of the probe '{Name}' cannot be read: {ex.Message}", nameof(state), ex);
        }
        _records.Clear();
        _records.AddRange(records);
        _lastRate = lastRate;
        _pending = default;
        _restored = true;
        _runStart = 0;
        ClearWarmStarts();
        foreach (var (name, tensor) in state.WarmStarts) _warmStarts[name] = ProbeState.Own(tensor);
    }

    /// <summary>
    /// For a subclass's <see cref="OnTrainingStarted"/>: whether this start continues the run a restored state was
    /// captured in (with <see cref="Trainer.ResumeAt"/>) rather than beginning a new one. True once after each
    /// <see cref="RestoreState"/>. It also keeps, as measured, a record that a run which failed left half-done, and
    /// marks where <see cref="LastStep"/>'s trajectory starts, so every override of <see cref="OnTrainingStarted"/>
    /// calls this once, with the start's <paramref name="context"/>.
    /// </summary>
    protected bool TakeRestored(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool restored = _restored;
        _restored = false;
        // A half-done record here belongs to a run that stopped by an exception after measuring, before its step
        // completed (a finished run and a restored state leave none). It is kept as measured, in its own trajectory:
        // left pending, the next run's first due step would replace it, or its end would add it after its own records.
        if (_pending is not null) _records.Add(_pending);
        _pending = default;
        if (!restored && context.StartStep == 0) _runStart = _records.Count;
        return restored;
    }

    /// <summary>Releases the probe's native tensors; override to release more, calling the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        ClearWarmStarts();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
