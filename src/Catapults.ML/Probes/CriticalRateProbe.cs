using System.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.ML.Probes;

/// <summary>
/// λ_max of the NTK on a fixed set of m inputs, and the critical rate η_crit = m / λ_max (MSE; see
/// <see cref="CriticalLearningRate"/> for cross-entropy) of a batch made of those samples, at the probe's cadence and
/// at the final weights. With the whole training set as inputs it is the critical rate of full-batch GD; with a fixed
/// probe set it follows the sharpness a minibatch run sees. (<see cref="DiagnosticsProbe"/> measures the rate of each
/// step's own batch instead.)
/// </summary>
/// <remarks>
/// The loss normalisation is the training's (<see cref="TrainingOptions.Loss"/>). The probe never changes training.
/// On weights that are no longer finite it records nothing: the run has diverged, and the trainer (or the caller's
/// own check) reports it. A solve that fails on non-finite values while the weights are still finite ends the run as
/// diverged through <see cref="NonFiniteValueException"/>. It holds its inputs as a native tensor: dispose it.
/// </remarks>
public sealed class CriticalRateProbe : ScheduledProbe<CriticalRateRecord>
{
    private const string TopEigenvector = "top_eigenvector";
    private readonly Tensor _inputs;

    /// <summary>Measures on <paramref name="inputs"/> ([m, ...], shared, not copied) with <paramref name="options"/> (defaults when null).</summary>
    /// <exception cref="ArgumentException">The inputs are not a non-empty batch, or an option is invalid.</exception>
    public CriticalRateProbe(Tensor inputs, CriticalRateProbeOptions? options = null) : base("critical-rate", options ??= new CriticalRateProbeOptions())
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() < 2 || inputs.shape[0] < 1)
            throw new ArgumentException($"The probe's inputs must be a non-empty batch [m, ...], got [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        Options = options;
        _inputs = inputs.detach().DetachFromDisposeScope(); // a new handle on the same storage
    }

    /// <summary>The options.</summary>
    public CriticalRateProbeOptions Options { get; }

    /// <summary>The records as a DataFrame (columns as <see cref="DiagnosticsFrames.CriticalRates"/>).</summary>
    public override DataFrame ToDataFrame() => DiagnosticsFrames.CriticalRates(Records);

    /// <inheritdoc />
    protected override int StepOf(CriticalRateRecord record) => record.Step;

    /// <inheritdoc />
    protected override CriticalRateRecord? Measure(StepContext step) =>
        At(step.Training.Model, step.Step, step.LearningRate, step.Training.Options.Loss);

    /// <inheritdoc />
    protected override CriticalRateRecord? MeasureFinal(TrainingResult result, TrainingContext context) =>
        At(context.Model, result.Steps, LastLearningRate, context.Options.Loss);

    private CriticalRateRecord? At(NetworkModule model, int step, double rate, LossKind loss)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = torch.NewDisposeScope();
        CriticalLearningRateResult result;
        if (Options.WarmStart)
        {
            var kept = WarmStart(TopEigenvector, _inputs.shape[0] * model.OutputCount);
            using var eig = CriticalLearningRate.ComputeWithVector(model, _inputs, loss, Options.CriticalRate, kept, out result);
            if (double.IsFinite(result.Sharpness) && eig.Vectors.shape[1] > 0) KeepWarmStart(TopEigenvector, eig.Vectors);
        }
        else
        {
            result = CriticalLearningRate.Compute(model, _inputs, loss, Options.CriticalRate);
        }
        if (!double.IsFinite(result.Sharpness))
        {
            DivergedUnlessWeightsAreNonFinite(model, step, $"the top NTK eigenvalue of the critical-rate probe's inputs ({result.Sharpness:G4})");
            return null;
        }
        return new CriticalRateRecord(step, rate, result.Value, result.Sharpness, result.BatchSize, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _inputs.Dispose();
        base.Dispose(disposing);
    }
}
