using System.Text.Json;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// A run's checkpoint in <c>checkpoint/</c>: weights (weights.safetensors), optimiser state (optimizer.bin, TorchSharp's
/// state-dict format), state.json (next step, divergence reference loss, recorded rows, wall time so far) and the
/// files of the run's <see cref="ICheckpointedObserver"/>s. Written to a temporary folder and renamed, so a kill while
/// writing leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    /// <summary>The state kept besides the tensors.</summary>
    public sealed record State(int Step, double? ReferenceLoss, double WallSeconds, IReadOnlyList<StepRow> Rows);

    /// <summary>The checkpoint folder of a run directory.</summary>
    public static string FolderOf(string runDirectory) => Path.Combine(runDirectory, "checkpoint");

    /// <summary>Writes the checkpoint of <paramref name="model"/> and <paramref name="optimizer"/>.</summary>
    public static void Save(string runDirectory, NetworkModule model, optim.Optimizer optimizer, State state,
        IEnumerable<ICheckpointedObserver> observers)
    {
        string final = FolderOf(runDirectory);
        string temporary = final + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, true);
        Directory.CreateDirectory(temporary);
        Weights.ToSafetensors(model).Write(Path.Combine(temporary, "weights.safetensors"));
        if (optimizer is TorchSharp.Modules.OptimizerHelper helper)
            helper.save_state_dict(Path.Combine(temporary, "optimizer.bin"));
        foreach (var observer in observers) observer.SaveState(temporary);
        File.WriteAllText(Path.Combine(temporary, "state.json"), JsonSerializer.Serialize(state, StudyJson.Options));
        string old = final + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(temporary, final);
        if (Directory.Exists(old)) Directory.Delete(old, true);
    }

    /// <summary>Whether <paramref name="runDirectory"/> holds a complete checkpoint.</summary>
    public static bool Exists(string runDirectory) => CompleteFolder(runDirectory) is not null;

    /// <summary>Removes the checkpoint and anything a killed <see cref="Save"/> left behind.</summary>
    public static void Delete(string runDirectory)
    {
        string final = FolderOf(runDirectory);
        foreach (var folder in new[] { final, final + ".tmp", final + ".old" })
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
    }

    // A kill between Save's two renames leaves only the previous checkpoint, under its .old name.
    private static string? CompleteFolder(string runDirectory)
    {
        string final = FolderOf(runDirectory);
        return new[] { final, final + ".old" }.FirstOrDefault(f => File.Exists(Path.Combine(f, "state.json")));
    }

    /// <summary>Restores weights, optimiser state and the observers' state, and returns the rest.</summary>
    public static State Load(string runDirectory, NetworkModule model, optim.Optimizer optimizer, IEnumerable<ICheckpointedObserver> observers)
    {
        string folder = CompleteFolder(runDirectory) ?? throw new InvalidDataException($"{FolderOf(runDirectory)} holds no complete checkpoint.");
        string weights = Path.Combine(folder, "weights.safetensors");
        try
        {
            Weights.Load(model, SafetensorsFile.Read(weights));
        }
        catch (InvalidDataException ex) when (!ex.Message.Contains(weights, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{weights}: {ex.Message}", ex);
        }
        string optimizerFile = Path.Combine(folder, "optimizer.bin");
        if (optimizer is TorchSharp.Modules.OptimizerHelper helper && File.Exists(optimizerFile))
            helper.load_state_dict(optimizerFile);
        foreach (var observer in observers) observer.RestoreState(folder);
        return StudyJson.Read<State>(Path.Combine(folder, "state.json"));
    }
}
