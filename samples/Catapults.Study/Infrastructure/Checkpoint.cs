using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using static TorchSharp.torch;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// A run's checkpoint in <c>checkpoint/</c>: weights (weights.safetensors), optimiser state (optimizer.bin, TorchSharp's
/// state-dict format), the files of the run's <see cref="ICheckpointedObserver"/>s and, last, state.json (next step,
/// divergence reference loss, recorded rows, wall time so far, and the size and SHA-256 of every other file). Written to
/// a temporary folder and renamed; the previous checkpoint stays as <c>checkpoint.old</c>, so a kill while writing, or a
/// checkpoint damaged later, falls back to it. A kill between the two renames leaves the newest checkpoint whole in
/// <c>checkpoint.tmp</c>, which <see cref="FindUsable"/> verifies and puts in place.
/// </summary>
public static class Checkpoint
{
    /// <summary>The name of the checkpoint folder inside a run directory.</summary>
    public const string FolderName = "checkpoint";

    private const string StateFile = "state.json";
    private const string WeightsFile = "weights.safetensors";

    /// <summary>The state kept besides the tensors.</summary>
    /// <param name="Step">Updates made (the next step to run).</param>
    /// <param name="ReferenceLoss">The trainer's divergence reference.</param>
    /// <param name="WallSeconds">Training time so far.</param>
    /// <param name="Rows">The rows of steps.csv recorded so far, all before <paramref name="Step"/> (the row at Step is written when the run continues).</param>
    public sealed record State(int Step, double? ReferenceLoss, double WallSeconds, IReadOnlyList<StepRow> Rows)
    {
        /// <summary>The rates realised so far when a controller sets them (see <c>Trainer.RealisedSchedule</c>); null otherwise.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public Catapults.ML.Training.MilestoneSchedule? RealisedSchedule { get; init; }

        /// <summary>The rate of the last step taken (the next row's rate); null before the first step.</summary>
        public double? LastLearningRate { get; init; }

        /// <summary>The batch loss of the last step taken (the next row's batch loss); null before the first step.</summary>
        public double? LastBatchLoss { get; init; }

        /// <summary>Size and SHA-256 of the checkpoint's other files (null in checkpoints of older versions, which are not trusted).</summary>
        public IReadOnlyDictionary<string, FileDigest>? Files { get; init; }

        /// <summary>
        /// The SHA-256 of the run's config.json when the checkpoint was written, which binds the checkpoint to its run:
        /// another run's checkpoint of the same shape (another seed, copied in) is not resumed. The file's bytes, not
        /// this build's serialisation of the options: config.json is written when a run starts or resumes, so a
        /// later build that serialises the options otherwise still resumes the checkpoints of an earlier one (whether
        /// the options match is config.json's own check). Checkpoint spacing is left out, as that check leaves it out. Null
        /// in checkpoints of older versions, which are not trusted.
        /// </summary>
        public string? Configuration { get; init; }
    }

    // config.json as written, its checkpoint spacing aside (a resume may change it, and rewrites the file): the JSON as
    // text, so no build's types are involved.
    private static string ConfigurationDigest(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "config.json");
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(File.ReadAllBytes(path), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (Exception ex) when (StudyJson.IsMalformed(ex))
        {
            throw new IOException($"{path} is not JSON ({ex.Message})", ex);
        }
        if (json is JsonObject fields) fields.Remove("checkpointEvery");
        return FileDigest.Of(System.Text.Encoding.UTF8.GetBytes(json?.ToJsonString() ?? "null")).Sha256;
    }

    /// <summary>The checkpoint folder of a run directory.</summary>
    public static string FolderOf(string runDirectory) => Path.Combine(runDirectory, FolderName);

    /// <summary>Writes the checkpoint of <paramref name="model"/> and <paramref name="optimizer"/>.</summary>
    /// <exception cref="IOException">A file could not be written; the message names it. The previous checkpoint is kept.</exception>
    public static void Save(string runDirectory, NetworkModule model, optim.Optimizer optimizer, State state,
        IEnumerable<ICheckpointedObserver> observers)
    {
        string final = FolderOf(runDirectory);
        string temporary = final + ".tmp";
        RemoveEntry(temporary);
        Directory.CreateDirectory(temporary);
        AtomicFile.Write(Path.Combine(temporary, WeightsFile), ModelWeights.ToSafetensors(model).Write);
        if (optimizer is TorchSharp.Modules.OptimizerHelper helper)
            AtomicFile.Write(Path.Combine(temporary, "optimizer.bin"), stream =>
            {
                using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                helper.save_state_dict(writer);
            });
        foreach (var observer in observers) observer.SaveState(temporary);
        var files = FileDigest.OfFolder(temporary, StateFile);
        AtomicFile.WriteText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(state with { Files = files, Configuration = ConfigurationDigest(runDirectory) }, StudyJson.Options));
        PutInPlace(final);
    }

    // The rotation: checkpoint/ becomes checkpoint.old/, then checkpoint.tmp/ becomes checkpoint/. The names are the
    // run's own, so anything but a folder at one of them (a file written there) is damage: it would make every later
    // rotation fail, and is removed instead.
    private static void PutInPlace(string final)
    {
        string old = final + ".old";
        if (Directory.Exists(final))
        {
            RemoveEntry(old);
            Directory.Move(final, old);
        }
        else
        {
            RemoveEntry(final);
        }
        Directory.Move(final + ".tmp", final);
    }

    // Whether something other than a folder stands at path: a file, or a link to none.
    private static bool IsNonFolder(string path) => !Directory.Exists(path) && (File.Exists(path) || new FileInfo(path).LinkTarget is not null);

    private static void RemoveEntry(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, true);
        else if (IsNonFolder(path)) File.Delete(path);
    }

    /// <summary>Whether <paramref name="runDirectory"/> holds a checkpoint (complete or not: <see cref="FindUsable"/> verifies it).</summary>
    public static bool Exists(string runDirectory)
    {
        string final = FolderOf(runDirectory);
        // checkpoint.tmp counts once its state.json, written last, is there: a kill between the renames of the first
        // checkpoint leaves it as the only one.
        return new[] { final, final + ".old", final + ".tmp" }.Any(f => File.Exists(Path.Combine(f, StateFile)));
    }

    /// <summary>Removes the checkpoint and anything a killed <see cref="Save"/> left behind.</summary>
    public static void Delete(string runDirectory)
    {
        string final = FolderOf(runDirectory);
        foreach (var folder in new[] { final, final + ".tmp", final + ".old" }) RemoveEntry(folder);
    }

    /// <summary>A checkpoint folder that verified against its run's configuration, and the state it holds.</summary>
    public sealed record Usable(string Folder, State State);

    /// <summary>
    /// The newest checkpoint of the run in <paramref name="runDirectory"/> that verifies (checksums, and a step in
    /// 1..<see cref="RunConfig.MaxSteps"/> on the record grid of <paramref name="config"/> that matches its rows); null
    /// when none does, with <paramref name="problem"/> naming the file at fault in each.
    /// </summary>
    public static Usable? FindUsable(string runDirectory, RunConfig config, out string? problem)
    {
        string final = FolderOf(runDirectory), old = final + ".old", temporary = final + ".tmp";
        // checkpoint.tmp is emptied before each Save and its state.json, which lists the checksums of the rest, written
        // last; it is renamed only after checkpoint/ is. So one that verifies is whole and newer than both others: a
        // kill came between the renames, or just before them, and the rotation is finished here. One that does not
        // verify is a Save cut short, which the others stand in for.
        if (Directory.Exists(temporary) && Verify(temporary, config, out var newest) is null)
        {
            Console.WriteLine($"{temporary} holds the newest checkpoint, written whole but not put in place (the run was stopped while saving it); the run resumes from it.");
            PutInPlace(final);
            problem = null;
            return new Usable(final, newest!);
        }
        if (IsNonFolder(old))
        {
            Console.WriteLine($"{old} is a file, not a checkpoint folder (damaged); it is removed, and the next checkpoint takes its place.");
            RemoveEntry(old);
        }
        var problems = new List<string>();
        if (IsNonFolder(final))
        {
            problems.Add($"{final} is a file, not a checkpoint folder (damaged)");
            RemoveEntry(final);
        }
        else if (!Directory.Exists(final) && Directory.Exists(old))
        {
            // Only a kill between the renames, or damage, leaves checkpoint.old/ without checkpoint/.
            problems.Add(Directory.Exists(temporary) ? $"{final} is missing and {temporary} is not whole" : $"{final} is missing");
        }
        foreach (var folder in new[] { final, old })
        {
            if (!Directory.Exists(folder)) continue;
            string? fault = Verify(folder, config, out var state);
            if (fault is null)
            {
                // Falling back to the previous checkpoint costs the steps since it: say why.
                if (problems.Count > 0) Cli.WriteNotice(problems[0], $"; the run resumes from the previous checkpoint, {folder}.");
                problem = null;
                return new Usable(folder, state!);
            }
            problems.Add(fault);
        }
        problem = problems.Count == 0 ? $"{final} holds no checkpoint" : $"no usable checkpoint: {string.Join("; ", problems)}";
        return null;
    }

    /// <summary>
    /// Restores weights, optimiser state and the observers' state from <paramref name="checkpoint"/> (found by
    /// <see cref="FindUsable"/>, so verified once), and returns the rest of its state.
    /// </summary>
    /// <exception cref="InvalidDataException">A file verified but does not fit the model or optimiser; the message names it.</exception>
    public static State Load(Usable checkpoint, NetworkModule model, optim.Optimizer optimizer, IReadOnlyList<ICheckpointedObserver> observers)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Restore(checkpoint.Folder, model, optimizer, observers);
        return checkpoint.State;
    }

    private static string? Verify(string folder, RunConfig config, out State? state)
    {
        state = null;
        string path = Path.Combine(folder, StateFile);
        try
        {
            state = StudyJson.Read<State>(path);
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.ReplaceLineEndings(" ").TrimEnd('.');
        }
        if (state.Files is not { Count: > 0 } files) return $"{path} lists no file checksums";
        string? configuration;
        try
        {
            configuration = ConfigurationDigest(Path.GetDirectoryName(folder)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{path}: the run's config.json cannot be read ({ex.Message})";
        }
        if (state.Configuration != configuration)
            return $"{path} is {(state.Configuration is null ? "of an older version, with no configuration digest" : "another run's (its configuration digest is not this run's config.json's)")}";
        if (!files.ContainsKey(WeightsFile)) return $"{path} lists no checksum of {WeightsFile}";
        if (state.Step < 1 || state.Step > config.MaxSteps || state.Step % config.RecordEvery != 0)
            return $"{path}: step {state.Step} is not a recorded step in 1..{config.MaxSteps} (the budget)";
        // The recorder writes a row before every RecordEvery-th step from 0, and the row at Step when the run
        // continues: the rows are exactly those of steps 0, RecordEvery, … up to one record before Step. Any other
        // (one missing, moved or null) would go into steps.csv as it stands.
        if (state.Rows is not { Count: > 0 } rows || rows[^1] is not { } lastRow || lastRow.Step != state.Step - config.RecordEvery)
            return $"{path}: the recorded rows do not end at step {state.Step - config.RecordEvery}, the record before the checkpoint's step {state.Step}";
        if (state.LastLearningRate is not double lastRate || !double.IsFinite(lastRate) || state.LastBatchLoss is not double lastLoss || !double.IsFinite(lastLoss))
            return $"{path}: the last step's rate and batch loss are missing or not finite";
        for (int i = 0; i < rows.Count; i++)
            if (rows[i] is not { } row || row.Step != i * config.RecordEvery)
                return $"{path}: recorded row {i} is {(rows[i] is null ? "null" : $"of step {rows[i].Step}")}, not of step {i * config.RecordEvery} (a row every {config.RecordEvery} steps from 0)";
        // The rows go into steps.csv as they stand, and a run that went on past them had finite, non-negative values
        // there (extra columns are null where a measurement had none).
        static bool Value(double v) => double.IsFinite(v) && v >= 0;
        if (rows.FirstOrDefault(r => !Value(r.LearningRate) || r.BatchLoss is double b && !Value(b) || !Value(r.TrainLoss) || !Value(r.TestLoss)
                                     || r.Extra is null || r.Extra.Any(e => e is double x && !double.IsFinite(x))) is { } bad)
            return $"{path}: the recorded row of step {bad.Step} holds a value no run writes (NaN, infinite, or a negative rate or loss)";
        if (state.ReferenceLoss is double reference && !(reference > 0 && double.IsFinite(reference)))
            return $"{path}: the reference loss {reference} is not a positive number";
        if (!(state.WallSeconds >= 0)) return $"{path}: the wall time {state.WallSeconds} is not a non-negative number";
        return FileDigest.Verify(folder, files);
    }

    private static void Restore(string folder, NetworkModule model, optim.Optimizer optimizer, IReadOnlyList<ICheckpointedObserver> observers)
    {
        string weights = Path.Combine(folder, WeightsFile);
        try
        {
            ModelWeights.Load(model, SafetensorsFile.Read(weights));
        }
        catch (InvalidDataException ex) when (!ex.Message.Contains(weights, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{weights}: {ex.Message}", ex);
        }
        string optimizerFile = Path.Combine(folder, "optimizer.bin");
        if (optimizer is TorchSharp.Modules.OptimizerHelper helper && File.Exists(optimizerFile))
        {
            try
            {
                using var reader = new BinaryReader(File.OpenRead(optimizerFile));
                helper.load_state_dict(reader);
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidDataException($"{optimizerFile} does not hold this run's optimiser state ({ex.Message.ReplaceLineEndings(" ")}).", ex);
            }
        }
        foreach (var observer in observers) observer.RestoreState(folder);
    }
}
