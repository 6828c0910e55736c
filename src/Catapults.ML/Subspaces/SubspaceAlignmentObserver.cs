using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;
using TorchSharp;

namespace Catapults.ML.Subspaces;

/// <summary>Options of <see cref="SubspaceAlignmentObserver"/>.</summary>
public sealed class SubspaceAlignmentObserverOptions
{
    /// <summary>Measure every this many steps (default 10), at w_t before step t's update.</summary>
    public int Every { get; set; } = 10;

    /// <summary>Dimension k of the dominant subspace (default 1).</summary>
    public int Rank { get; set; } = 1;

    /// <summary>Also measure at the final weights (default true).</summary>
    public bool RecordFinal { get; set; } = true;

    /// <summary>Hessian options (training subset, chunking). The gradient is taken over the same samples.</summary>
    public HessianOptions Hessian { get; set; } = new();

    /// <summary>Solver options (default tolerance 1e-4).</summary>
    public LanczosOptions Lanczos { get; set; } = new() { Tolerance = 1e-4 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"SubspaceAlignmentObserverOptions.Every must be at least 1, got {Every}.", nameof(Every));
        if (Rank < 1) throw new ArgumentException($"SubspaceAlignmentObserverOptions.Rank must be at least 1, got {Rank}.", nameof(Rank));
        ArgumentNullException.ThrowIfNull(Hessian, nameof(Hessian));
        ArgumentNullException.ThrowIfNull(Lanczos, nameof(Lanczos));
        Hessian.Validate();
        Lanczos.Validate();
    }
}

/// <summary>One alignment measurement: χ_k(∇L) = ‖P_k ∇L‖/‖∇L‖ at w_t and the top-k Hessian eigenvalues.</summary>
public sealed record SubspaceAlignmentRecord(int Step, bool IsFinal, double Loss, double Alignment, IReadOnlyList<double> Eigenvalues, int Products);

/// <summary>
/// Records, at a cadence, how well the full-batch gradient (over the training set or the configured subset) aligns
/// with the top-k eigenspace of the training-loss Hessian, χ_k(g) = ‖P_k g‖/‖g‖. It reads the model only.
/// </summary>
public sealed class SubspaceAlignmentObserver : ITrainingObserver, IDisposable
{
    private readonly SubspaceAlignmentObserverOptions _options;
    private readonly List<SubspaceAlignmentRecord> _records = new();
    private HessianEigenspace? _previous;
    private int _lastStep = -1;

    /// <summary>Creates the observer.</summary>
    public SubspaceAlignmentObserver(SubspaceAlignmentObserverOptions? options = null)
    {
        _options = options ?? new SubspaceAlignmentObserverOptions();
        _options.Validate();
    }

    /// <summary>The measurements so far.</summary>
    public IReadOnlyList<SubspaceAlignmentRecord> Records => _records;

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step)
    {
        if (step.Step % _options.Every != 0) return;
        Measure(step.Step, false, step.Training, step.Batch.Features, step.Batch.Targets);
    }

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context)
    {
        if (!_options.RecordFinal || result.Outcome == TrainingOutcome.Diverged || context.TrainingData is null) return;
        if (_lastStep == result.Steps) return;
        Measure(result.Steps, true, context, null, null);
    }

    private void Measure(int step, bool final, TrainingContext context, TorchSharp.torch.Tensor? batchFeatures, TorchSharp.torch.Tensor? batchTargets)
    {
        var data = context.TrainingData;
        var features = data?.Features ?? batchFeatures;
        var targets = data?.Targets ?? batchTargets;
        if (features is null || targets is null) return;
        using var scope = torch.NewDisposeScope();
        var space = HessianEigenspace.Compute(step, context.Model, features, targets, context.Options.Loss, _options.Rank,
            _options.Hessian, _options.Lanczos, _previous, withAlignment: true);
        double loss;
        using (var op = new HessianOperator(context.Model, features, targets, context.Options.Loss, _options.Hessian)) loss = op.LossValue();
        _previous?.Dispose();
        _previous = space;
        _lastStep = step;
        _records.Add(new SubspaceAlignmentRecord(step, final, loss, space.Alignment ?? double.NaN, space.Eigenvalues, space.Products));
    }

    /// <summary>The records as a DataFrame: Step, IsFinal, Loss, Alignment, Lambda1..k, Products.</summary>
    public DataFrame ToDataFrame()
    {
        int k = _records.Count == 0 ? 0 : _records.Max(r => r.Eigenvalues.Count);
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("Step", _records.Select(r => (int?)r.Step)),
            new BooleanDataFrameColumn("IsFinal", _records.Select(r => (bool?)r.IsFinal)),
            new DoubleDataFrameColumn("Loss", _records.Select(r => (double?)r.Loss)),
            new DoubleDataFrameColumn("Alignment", _records.Select(r => (double?)r.Alignment)),
        };
        for (int i = 0; i < k; i++)
        {
            int index = i;
            columns.Add(new DoubleDataFrameColumn($"Lambda{i + 1}", _records.Select(r => index < r.Eigenvalues.Count ? r.Eigenvalues[index] : (double?)null)));
        }
        columns.Add(new Int32DataFrameColumn("Products", _records.Select(r => (int?)r.Products)));
        return new DataFrame(columns);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _previous?.Dispose();
        _previous = null;
    }
}
