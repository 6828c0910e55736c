using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Features;

/// <summary>Options of <see cref="AgopAlignmentObserver"/>.</summary>
public sealed class AgopAlignmentObserverOptions
{
    /// <summary>
    /// Record at the weights w_t of every step t divisible by this; default 100. The first weights of each run and
    /// the final weights are always recorded. Use 1 to see alignment move step by step through a catapult.
    /// </summary>
    public int Every { get; set; } = 100;

    /// <summary>Compare G^p with G*^p (see <see cref="AgopAlignment.Cosine"/>); default 1.</summary>
    public double MatrixPower { get; set; } = 1.0;

    /// <summary>
    /// Use only the first this many inputs for the AGOP; default null (all of them). The AGOP of m samples costs one
    /// forward and O backward passes over m samples plus O·m·d² for the outer products.
    /// </summary>
    public int? MaxSamples { get; set; }

    /// <summary>
    /// How the AGOP is streamed (batch size, centring); default <see cref="AgopOptions"/>' defaults. Its
    /// <see cref="AgopOptions.Power"/> must stay 1 (use <see cref="MatrixPower"/>, which applies to both sides), and
    /// <see cref="AgopOptions.PerOutput"/> requires a per-output reference [O, d, d].
    /// </summary>
    public AgopOptions Agop { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"AgopAlignmentObserverOptions.Every must be at least 1, got {Every}.", nameof(Every));
        if (!double.IsFinite(MatrixPower) || MatrixPower <= 0)
            throw new ArgumentException($"AgopAlignmentObserverOptions.MatrixPower must be finite and positive, got {MatrixPower}.", nameof(MatrixPower));
        if (MaxSamples is < 1) throw new ArgumentException($"AgopAlignmentObserverOptions.MaxSamples must be at least 1 when set, got {MaxSamples}.", nameof(MaxSamples));
        if (Agop is null) throw new ArgumentException("AgopAlignmentObserverOptions.Agop must not be null.", nameof(Agop));
        Agop.Validate();
        if (Agop.Power != 1.0)
            throw new ArgumentException("AgopAlignmentObserverOptions.Agop.Power must be 1; set MatrixPower to compare matrix powers of both AGOPs.", nameof(Agop));
    }
}

/// <summary>
/// One alignment measurement, taken at the weights w_Step (after Step updates).
/// </summary>
/// <param name="Step">Number of updates applied before the measurement (0 = initial weights).</param>
/// <param name="Alignment">cos(G, G*), or null when it is undefined (see <paramref name="Problem"/>).</param>
/// <param name="AgopTrace">tr G (the mean squared input-gradient norm), or null when G is not finite.</param>
/// <param name="Problem">Why <paramref name="Alignment"/> is null (e.g. the AGOP overflowed in a diverging run); null otherwise.</param>
public sealed record AlignmentRecord(int Step, double? Alignment, double? AgopTrace, string? Problem);

/// <summary>
/// Records the AGOP alignment cos(G(w_t), G*) at a cadence during training, so that alignment can be read against
/// the loss curve (it tends to jump at each catapult). The AGOP is taken on the given inputs, or on the training set.
/// </summary>
/// <remarks>
/// The observer reads the model in eval mode and never touches parameters or their gradients, so training is
/// unchanged. It holds its reference matrix and inputs as native tensors: dispose it when done.
/// </remarks>
public sealed class AgopAlignmentObserver : ITrainingObserver, IDisposable
{
    private readonly AgopAlignmentObserverOptions _options;
    private readonly ITargetFunction? _target;
    private readonly Tensor? _inputs;
    private readonly List<AlignmentRecord> _records = new();
    private Tensor? _reference;
    private bool _runStarted;
    private bool _disposed;

    /// <summary>Aligns with a fixed reference matrix G* [d, d] (copied).</summary>
    /// <param name="reference">G*, e.g. from <see cref="ReferenceAgop"/>.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="inputs">Inputs on which G is taken ([m, d] or [m, ...]); null for the training set. Shared, not copied.</param>
    public AgopAlignmentObserver(Tensor reference, AgopAlignmentObserverOptions? options = null, Tensor? inputs = null)
        : this(options, inputs)
    {
        try
        {
            using var scope = torch.NewDisposeScope();
            var copy = ReferenceAgop.FromMatrix(reference);
            if (copy.norm().ToDouble() == 0)
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
    public AgopAlignmentObserver(ITargetFunction target, AgopAlignmentObserverOptions? options = null, Tensor? inputs = null)
        : this(options, inputs)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
    }

    private AgopAlignmentObserver(AgopAlignmentObserverOptions? options, Tensor? inputs)
    {
        _options = options ?? new AgopAlignmentObserverOptions();
        _options.Validate();
        if (inputs is not null)
        {
            if (inputs.dim() < 2 || inputs.shape[0] < 1)
                throw new ArgumentException($"The observer's inputs must be a non-empty batch [m, ...], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
            _inputs = inputs.detach().alias().DetachFromDisposeScope();
        }
    }

    /// <summary>The measurements so far, in step order.</summary>
    public IReadOnlyList<AlignmentRecord> Records => _records;

    /// <summary>The reference G* (float64), or null before the first measurement when it comes from a target function.</summary>
    public Tensor? Reference => _reference;

    /// <summary>The records as a DataFrame with columns Step (int), Alignment (double, null when undefined), AgopTrace (double), Problem (string).</summary>
    public DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", _records.Select(r => (int?)r.Step)),
        new DoubleDataFrameColumn("Alignment", _records.Select(r => r.Alignment)),
        new DoubleDataFrameColumn("AgopTrace", _records.Select(r => r.AgopTrace)),
        new StringDataFrameColumn("Problem", _records.Select(r => r.Problem)));

    /// <inheritdoc />
    public void OnTrainingStarted(TrainingContext context) => _runStarted = true;

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step)
    {
        bool first = _runStarted;
        _runStarted = false;
        if (first || step.Step % _options.Every == 0) Record(step.Step, step.Training);
    }

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context) => Record(result.Steps, context);

    /// <summary>Measures the alignment of <paramref name="model"/> now, on the observer's inputs, without recording it.</summary>
    public double Measure(NetworkModule model, TensorDataset? trainingData = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        var inputs = Inputs(trainingData);
        using var g = Agop.Compute(model, inputs, _options.Agop);
        return AgopAlignment.Cosine(g, ReferenceFor(inputs, g), _options.MatrixPower);
    }

    private void Record(int step, TrainingContext context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_records.Count > 0 && _records[^1].Step == step) return;
        using var scope = torch.NewDisposeScope();
        var inputs = Inputs(context.TrainingData);
        Tensor g;
        try
        {
            g = Agop.Compute(context.Model, inputs, _options.Agop);
        }
        catch (NonFiniteAgopException ex)
        {
            _records.Add(new AlignmentRecord(step, null, null, ex.Message));
            return;
        }
        double trace = g.diagonal(0, -2, -1).sum().ToDouble();
        var reference = ReferenceFor(inputs, g);
        if (g.norm().ToDouble() == 0)
        {
            _records.Add(new AlignmentRecord(step, null, trace, "The AGOP is zero: the model's outputs do not depend on its inputs."));
            return;
        }
        _records.Add(new AlignmentRecord(step, AgopAlignment.Cosine(g, reference, _options.MatrixPower), trace, null));
    }

    private Tensor Inputs(TensorDataset? trainingData)
    {
        var all = _inputs ?? trainingData?.Features
            ?? throw new InvalidOperationException("AgopAlignmentObserver has no inputs: pass them to the constructor when training online (without a dataset).");
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
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _reference?.Dispose();
        _inputs?.Dispose();
    }
}
