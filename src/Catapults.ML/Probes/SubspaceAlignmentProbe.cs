using System.Text.Json.Nodes;
using Catapults.ML.Spectra;
using Catapults.ML.Subspaces;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// How well the full-batch gradient (over the training set or the configured subset) aligns with the top-k eigenspace
/// of the training-loss Hessian, χ_k(g) = ‖P_k g‖/‖g‖, at a cadence. Each eigenspace is warm-started from the previous.
/// Online (the batch as data) there is no final record: after the last step no batch is left to measure on.
/// </summary>
public sealed class SubspaceAlignmentProbe : ScheduledProbe<SubspaceAlignmentRecord>
{
    private const string WarmStartName = "hessian_basis";
    private readonly SubspaceAlignmentProbeOptions _options;

    /// <summary>Creates the probe.</summary>
    public SubspaceAlignmentProbe(SubspaceAlignmentProbeOptions? options = null)
        : base("subspace-alignment", options ??= new SubspaceAlignmentProbeOptions()) => _options = options;

    /// <inheritdoc />
    protected override int StepOf(SubspaceAlignmentRecord record) => record.Step;

    /// <inheritdoc />
    protected override void WriteState(JsonObject data) => data["rank"] = _options.Rank;

    /// <inheritdoc />
    /// <remarks>A state of another rank is refused: its records have another number of eigenvalues, and χ_k another k.</remarks>
    protected override void ReadState(JsonObject data) => RequireCapturedSetting(data, "rank", _options.Rank, "a rank of");

    /// <inheritdoc />
    protected override SubspaceAlignmentRecord? Measure(StepContext step) => At(step.Step, false, step.Training, step.LossData);

    /// <inheritdoc />
    protected override SubspaceAlignmentRecord? MeasureFinal(TrainingResult result, TrainingContext context) =>
        context.TrainingData is { } data ? At(result.Steps, true, context, (data.Features, data.Targets)) : null;

    private SubspaceAlignmentRecord? At(int step, bool final, TrainingContext context, (Tensor Features, Tensor Targets) data)
    {
        var (features, targets) = data;
        using var scope = torch.NewDisposeScope();
        using var space = HessianEigenspace.Compute(step, context.Model, features, targets, context.Options.Loss, _options.Rank,
            _options.Hessian, _options.Lanczos, WarmStart(WarmStartName, ParameterVector.Count(context.Model)), withAlignment: true);
        double loss;
        using (var op = new HessianOperator(context.Model, features, targets, context.Options.Loss, _options.Hessian)) loss = op.LossValue();
        // As every probe: no NaN recorded. At finite weights a loss or Hessian that overflows ends the run as diverged.
        if (!double.IsFinite(loss) || !space.Eigenvalues.All(double.IsFinite))
        {
            DivergedUnlessWeightsAreNonFinite(context.Model, step, $"the loss ({loss:G4}) or the Hessian's top eigenvalues");
            return null;
        }
        // A finite loss whose gradient is zero (a stationary point, such as an exact fit) has no χ_k: no record, and no
        // divergence either. A gradient that overflowed at a finite loss is left to the trainer, whose next update shows it.
        if (space.Alignment is not double alignment || !double.IsFinite(alignment)) return null;
        KeepWarmStart(WarmStartName, space.Basis);
        return new SubspaceAlignmentRecord(step, final, loss, alignment, space.Eigenvalues, space.Products);
    }

    /// <summary>The records as a DataFrame: Step, IsFinal, Loss, Alignment, Lambda1..k, Products.</summary>
    public override DataFrame ToDataFrame()
    {
        int k = NumberedColumns.Widest(Records, r => r.Eigenvalues);
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)),
            new BooleanDataFrameColumn("IsFinal", Records.Select(r => (bool?)r.IsFinal)),
            new DoubleDataFrameColumn("Loss", Records.Select(r => (double?)r.Loss)),
            new DoubleDataFrameColumn("Alignment", Records.Select(r => (double?)r.Alignment)),
        };
        columns.AddRange(NumberedColumns.Of("Lambda", k, Records, r => r.Eigenvalues));
        columns.Add(new Int32DataFrameColumn("Products", Records.Select(r => (int?)r.Products)));
        return new DataFrame(columns);
    }
}
