using System.Text.Json.Nodes;
using Catapults.ML.Probes;
using Catapults.ML.Serialization;
using Catapults.ML.Training;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Any engine probe whose state travels with its run: <c>NAME.json</c> (its records and other values) and
/// <c>NAME-warm-starts.safetensors</c> (float64, exact: a cold restart changes the last digits of every later
/// eigenvalue), NAME being the probe's <see cref="IProbe.Name"/>. A non-finite value met inside the probe ends the run
/// as diverged, with the weights checked first.
/// </summary>
public sealed class CheckpointedProbe(IProbe inner) : ICheckpointedObserver
{
    /// <summary>The wrapped probe.</summary>
    public IProbe Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    private string RecordsFile => Inner.Name + ".json";
    private string WarmStartsFile => Inner.Name + "-warm-starts.safetensors";

    /// <inheritdoc />
    public void OnTrainingStarted(TrainingContext context) => Inner.OnTrainingStarted(context);

    /// <inheritdoc />
    public void OnBeforeStep(StepContext step) =>
        Finite.Guard(step.Training.Model, step.Step, $"the {Inner.Name} probe (before step {step.Step})", () => { Inner.OnBeforeStep(step); return 0; });

    /// <inheritdoc />
    public void OnStepCompleted(StepRecord record, TrainingContext context) =>
        Finite.Guard(context.Model, record.Step + 1, $"the {Inner.Name} probe (after step {record.Step})", () => { Inner.OnStepCompleted(record, context); return 0; });

    /// <inheritdoc />
    public void OnTrainingCompleted(TrainingResult result, TrainingContext context) =>
        Finite.Guard(context.Model, result.Steps, $"the {Inner.Name} probe (final record)", () => { Inner.OnTrainingCompleted(result, context); return 0; }, checkWeights: false);

    /// <inheritdoc />
    public void SaveState(string folder)
    {
        using var state = Inner.CaptureState();
        AtomicFile.WriteText(Path.Combine(folder, RecordsFile), state.Data.ToJsonString(StudyJson.Options));
        var tensors = state.WarmStarts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ToSafetensor(p.Key, p.Value)).ToList();
        AtomicFile.Write(Path.Combine(folder, WarmStartsFile), new SafetensorsFile(tensors).Write);
    }

    /// <inheritdoc />
    public void RestoreState(string folder)
    {
        string recordsPath = Path.Combine(folder, RecordsFile);
        string tensorsPath = Path.Combine(folder, WarmStartsFile);
        foreach (var path in new[] { recordsPath, tensorsPath })
            if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: the {Inner.Name} probe cannot resume without it.");
        JsonObject data;
        try
        {
            data = JsonNode.Parse(File.ReadAllText(recordsPath)) as JsonObject ?? throw new InvalidDataException($"{recordsPath} does not hold a JSON object.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"{recordsPath} is not valid: {ex.Message}", ex);
        }
        var warmStarts = SafetensorsFile.Read(tensorsPath).Tensors.ToDictionary(t => t.Name, FromSafetensor, StringComparer.Ordinal);
        try
        {
            using var state = new ProbeState(Inner.Name, data, warmStarts);
            Inner.RestoreState(state);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{recordsPath}: {ex.Message}", ex);
        }
        finally
        {
            foreach (var tensor in warmStarts.Values) tensor.Dispose();
        }
    }

    private static SafetensorsTensor ToSafetensor(string name, Tensor tensor)
    {
        using var cpu = tensor.detach().to(ScalarType.Float64).cpu().contiguous();
        return SafetensorsTensor.FromDoubles(name, cpu.shape, cpu.data<double>().ToArray());
    }

    private static Tensor FromSafetensor(SafetensorsTensor stored) =>
        torch.tensor(stored.ToDoubles(), stored.Shape.ToArray(), ScalarType.Float64);
}
