using Catapults.ML.Runtime;
using System.Text.Json.Nodes;
using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// The AGOP alignment cos(G(w_t), G*) at a cadence during training (and at the first weights of each run), so that alignment can be read against
/// the loss curve (it tends to jump at each catapult). The AGOP is taken on the given inputs, or on the training set.
/// </summary>
/// <remarks>
/// The observer reads the model in eval mode and never touches parameters or their gradients, so training is
/// unchanged. It holds its reference matrix and inputs as native tensors: dispose it when done.
/// </remarks>
public sealed class AgopAlignmentProbe : ScheduledProbe<AlignmentRecord>
{
    private readonly AgopAlignmentProbeOptions _options;
    private readonly ITargetFunction? _target;
    private readonly Tensor? _inputs;
    private Tensor? _reference;
    private bool _runStarted;

    /// <summary>Aligns with a fixed reference matrix G* [d, d] (copied).</summary>
    /// <param name="reference">G*, e.g. from <see cref="ReferenceAgop"/>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="inputs">Inputs on which G is taken ([m, d] or [m, ...]); null for the training set. Shared, not copied.</param>
    public AgopAlignmentProbe(Tensor reference, AgopAlignmentProbeOptions? options = null, Tensor? inputs = null)
        : this(options, inputs)
    {
        try
        {
            using var scope = torch.NewDisposeScope();
            var copy = ReferenceAgop.FromMatrix(reference);
            if (copy.norm().ReadDouble() == 0)
                throw new ArgumentException("The reference AGOP is zero, so no alignment with it is defined.", nameof(reference));
            _reference = copy.DetachFromDisposeScope();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Aligns with the AGOP of a target function, computed by autograd once, on the same inputs as G.
    /// </summary>
    /// <param name="target">The true predictor, e.g. a <see cref="SyntheticTask"/>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="inputs">Inputs on which both AGOPs are taken; null for the training set. Shared, not copied.</param>
    public AgopAlignmentProbe(ITargetFunction target, AgopAlignmentProbeOptions? options = null, Tensor? inputs = null)
        : this(options, inputs)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
    }

    private AgopAlignmentProbe(AgopAlignmentProbeOptions? options, Tensor? inputs) : base("agop-alignment", options ??= new AgopAlignmentProbeOptions())
    {
        _options = options;
        if (inputs is not null)
        {
            if (inputs.dim() < 2 || inputs.shape[0] < 1)
                throw new ArgumentException($"The observer's inputs must be a non-empty batch [m, ...], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
            _inputs = inputs.detach().DetachFromDisposeScope(); // a new handle on the same storage
        }
    }

    /// <summary>The reference G* (float64), or null before the first measurement when it comes from a target function.</summary>
    public Tensor? Reference => _reference;

    /// <summary>The records as a DataFrame with columns Step (int), Alignment (double, null when undefined), AgopTrace (double), Problem (string).</summary>
    public override DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)),
        new DoubleDataFrameColumn("Alignment", Records.Select(r => r.Alignment)),
        new DoubleDataFrameColumn("AgopTrace", Records.Select(r => r.AgopTrace)),
        new StringDataFrameColumn("Problem", Records.Select(r => r.Problem)));

    /// <inheritdoc />
    /// <remarks>A start that resumes a restored state's run is not a new run's first weights: no measurement off the cadence.</remarks>
    public override void OnTrainingStarted(TrainingContext context)
    {
        _runStarted = !TakeRestored(context);
        // G* of a target function is taken on the training inputs: a new run may train on others (found by review).
        if (_runStarted && _target is not null && _inputs is null)
        {
            _reference?.Dispose();
            _reference = null;
        }
    }

    /// <inheritdoc />
    protected override bool IsDue(int step)
    {
        bool first = _runStarted;
        _runStarted = false;
        return first || base.IsDue(step);
    }

    /// <inheritdoc />
    protected override int StepOf(AlignmentRecord record) => record.Step;

    /// <inheritdoc />
    protected override void WriteState(JsonObject data) => data["matrixPower"] = _options.MatrixPower;

    /// <inheritdoc />
    /// <remarks>A state of another matrix power is refused: cos(G, G*) and cos(G^½, G*^½) would share one column.</remarks>
    protected override void ReadState(JsonObject data) => RequireCapturedSetting(data, "matrixPower", _options.MatrixPower, "a matrix power of");

    /// <inheritdoc />
    protected override AlignmentRecord Measure(StepContext step) => At(step.Step, step.Training);

    /// <inheritdoc />
    protected override AlignmentRecord MeasureFinal(TrainingResult result, TrainingContext context) => At(result.Steps, context);

    /// <inheritdoc />
    /// <remarks>Unlike other probes, the final weights of a diverged run are measured too: the record says why the alignment is undefined there.</remarks>
    public override void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        if (RecordFinal && LastStep != result.Steps) Add(At(result.Steps, context));
    }

    private AlignmentRecord At(int step, TrainingContext context)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = Inputs(context.TrainingData);
        Tensor g;
        try
        {
            g = Agop.Compute(context.Model, inputs, _options.Agop);
        }
        catch (NonFiniteAgopException ex)
        {
            return new AlignmentRecord(step, null, null, ex.Message);
        }
        double trace = g.diagonal(0, -2, -1).sum().ReadDouble();
        var reference = ReferenceFor(inputs, g);
        if (g.norm().ReadDouble() == 0)
            return new AlignmentRecord(step, null, trace, "The AGOP is zero: the model's outputs do not depend on its inputs.");
        return new AlignmentRecord(step, AgopAlignment.Cosine(g, reference, _options.MatrixPower), trace, null);
    }

    private Tensor Inputs(TensorDataset? trainingData)
    {
        var all = _inputs ?? trainingData?.Features
            ?? throw new InvalidOperationException("AgopAlignmentProbe has no inputs: pass them to the constructor when training online (without a dataset).");
        return _options.MaxSamples is int m && m < all.shape[0] ? all.narrow(0, 0, m) : all.alias();
    }

    private Tensor ReferenceFor(Tensor inputs, Tensor agop)
    {
        if (_reference is null)
        {
            using var flat = inputs.reshape(inputs.shape[0], -1);
            _reference = Agop.Compute(_target!, flat, _options.Agop).DetachFromDisposeScope();
        }
        if (!_reference.shape.SequenceEqual(agop.shape))
            throw new ArgumentException(
                $"The reference AGOP has shape [{string.Join(", ", _reference.shape)}] but the model's AGOP has [{string.Join(", ", agop.shape)}]: " +
                "they must match (a per-output AGOP needs a per-output reference).");
        return _reference;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _reference?.Dispose();
        _reference = null;
        _inputs?.Dispose();
        base.Dispose(disposing);
    }
}
