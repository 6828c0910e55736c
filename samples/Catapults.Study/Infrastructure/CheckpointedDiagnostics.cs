using Catapults.ML.Diagnostics;
using Catapults.ML.Serialization;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// A <see cref="DiagnosticsObserver"/> whose state (records, batch critical rates, Lanczos warm starts) is saved with
/// the run: <c>diagnostics.json</c> and <c>diagnostics-warm-starts.safetensors</c> (float64, exact). The warm starts
/// must be kept exactly: a cold restart changes the last digits of every later eigenvalue.
/// </summary>
public sealed class CheckpointedDiagnostics(DiagnosticsObserver inner) : ICheckpointedObserver
{
    private const string RecordsFile = "diagnostics.json";
    private const string WarmStartsFile = "diagnostics-warm-starts.safetensors";
    private const string ProbeTensor = "probe_warm_start";
    private const string CriticalTensor = "critical_rate_warm_start";

    /// <summary>The wrapped observer.</summary>
    public DiagnosticsObserver Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public void OnTrainingStarted(TrainingContext context) => Inner.OnTrainingStarted(context);

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step) =>
        Finite.Guard(step.Training.Model, step.Step, "the diagnostics (batch critical rate)", () => { Inner.OnBeforeStep(step); return 0; });

    /// <inheritdoc />
    public void OnStepCompleted(StepRecord record, TrainingContext context) =>
        Finite.Guard(context.Model, record.Step + 1, "the diagnostics (probe-set spectrum)", () => { Inner.OnStepCompleted(record, context); return 0; });

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context) =>
        Finite.Guard(context.Model, result.Steps, "the diagnostics (final record)", () => { Inner.OnTrainingCompleted(result, context); return 0; }, checkWeights: false);

    /// <inheritdoc />
    public void SaveState(string folder)
    {
        using var state = Inner.CaptureState();
        StudyJson.Write(Path.Combine(folder, RecordsFile), new SavedRecords(state.Records.ToList(), state.CriticalRates.ToList(), state.LastLearningRate));
        var tensors = new List<SafetensorsTensor>();
        if (state.ProbeWarmStart is { } probe) tensors.Add(ToSafetensor(ProbeTensor, probe));
        if (state.CriticalRateWarmStart is { } critical) tensors.Add(ToSafetensor(CriticalTensor, critical));
        AtomicFile.Write(Path.Combine(folder, WarmStartsFile), new SafetensorsFile(tensors).Write);
    }

    /// <inheritdoc />
    public void RestoreState(string folder)
    {
        string recordsPath = Path.Combine(folder, RecordsFile);
        string tensorsPath = Path.Combine(folder, WarmStartsFile);
        foreach (var path in new[] { recordsPath, tensorsPath })
            if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: the diagnostics cannot resume without it.");
        var saved = StudyJson.Read<SavedRecords>(recordsPath);
        var tensors = SafetensorsFile.Read(tensorsPath);
        using var state = new DiagnosticsState
        {
            Records = saved.Records,
            CriticalRates = saved.CriticalRates,
            LastLearningRate = saved.LastLearningRate,
            ProbeWarmStart = FromSafetensor(tensors.Find(ProbeTensor)),
            CriticalRateWarmStart = FromSafetensor(tensors.Find(CriticalTensor)),
        };
        Inner.RestoreState(state);
    }

    private static SafetensorsTensor ToSafetensor(string name, Tensor tensor)
    {
        using var cpu = tensor.detach().to(ScalarType.Float64).cpu().contiguous();
        return SafetensorsTensor.FromDoubles(name, cpu.shape, cpu.data<double>().ToArray());
    }

    private static Tensor? FromSafetensor(SafetensorsTensor? stored) =>
        stored is null ? null : torch.tensor(stored.ToDoubles(), stored.Shape.ToArray(), ScalarType.Float64);

    private sealed record SavedRecords(List<DiagnosticsRecord> Records, List<CriticalRateRecord> CriticalRates, double LastLearningRate);
}
