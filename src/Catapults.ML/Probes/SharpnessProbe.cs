using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// The sharpness λ_max(∇²L) over training, for edge-of-stability plots. Each measurement is a Lanczos solve with
/// Hessian-vector products on the training set (or a fixed subset; the batch when online), warm-started from the
/// previous one. Online there is no final record: after the last step no batch is left to measure on.
/// </summary>
public sealed class SharpnessProbe : ScheduledProbe<SharpnessRecord>
{
    private const string WarmStartName = "hessian_top_vector";
    private readonly SharpnessProbeOptions _options;

    /// <summary>Creates the probe.</summary>
    public SharpnessProbe(SharpnessProbeOptions? options = null) : base("sharpness", options ??= new SharpnessProbeOptions()) => _options = options;

    /// <inheritdoc />
    protected override int StepOf(SharpnessRecord record) => record.Step;

    /// <inheritdoc />
    protected override SharpnessRecord? Measure(StepContext step) =>
        At(step.Step, false, step.LearningRate, step.Training, step.LossData);

    /// <inheritdoc />
    protected override SharpnessRecord? MeasureFinal(TrainingResult result, TrainingContext context) =>
        context.TrainingData is { } data ? At(result.Steps, true, LastLearningRate, context, (data.Features, data.Targets)) : null;

    private SharpnessRecord? At(int step, bool final, double rate, TrainingContext context, (Tensor Features, Tensor Targets) data)
    {
        var (features, targets) = data;
        using var scope = torch.NewDisposeScope();
        using var op = new HessianOperator(context.Model, features, targets, context.Options.Loss, _options.Hessian);
        var lanczos = _options.Lanczos.Clone();
        lanczos.Which = SpectrumEnd.LargestAlgebraic;
        using var result = op.TopEigenpairs(1, lanczos, WarmStart(WarmStartName, op.Dimension));
        KeepWarmStart(WarmStartName, result.Vectors);
        return new SharpnessRecord(step, final, rate, result.Values[0], rate > 0 ? 2.0 / rate : double.PositiveInfinity,
            result.RelativeResiduals.DefaultIfEmpty(double.NaN).First(), result.OperatorApplications);
    }

    /// <summary>The records as a DataFrame: Step, IsFinal, LearningRate, Sharpness, StabilityThreshold (2/η), RelativeResidual, Products.</summary>
    public override DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", Records.Select(r => (int?)r.Step)),
        new BooleanDataFrameColumn("IsFinal", Records.Select(r => (bool?)r.IsFinal)),
        new DoubleDataFrameColumn("LearningRate", Records.Select(r => (double?)r.LearningRate)),
        new DoubleDataFrameColumn("Sharpness", Records.Select(r => (double?)r.Sharpness)),
        new DoubleDataFrameColumn("StabilityThreshold", Records.Select(r => (double?)r.StabilityThreshold)),
        new DoubleDataFrameColumn("RelativeResidual", Records.Select(r => (double?)r.RelativeResidual)),
        new Int32DataFrameColumn("Products", Records.Select(r => (int?)r.Products)));
}
