using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Serialization;
using Catapults.ML.Runtime;

namespace Catapults.Study.Infrastructure;

/// <summary>Writes and reads the files of one run directory.</summary>
public static class RunDirectory
{
    /// <summary>The folder of a finished run that holds its checkpointed observers' final state.</summary>
    public static string ObserverFolder(string directory) => Path.Combine(directory, "observers");

    /// <summary>
    /// Checks that the run in <paramref name="directory"/> was started with <paramref name="config"/>, before it is
    /// resumed or read back: resuming under other options would mix two runs in one result. Checkpoint spacing is not
    /// compared (it does not change the result). Returns null when they match, or what is wrong when config.json is
    /// missing or unreadable: that is damage to the run, which the caller then does not trust, like any other file's.
    /// </summary>
    /// <exception cref="ConfigurationException">The stored configuration differs; the message names the fields.</exception>
    public static string? CheckStoredConfig(string directory, RunConfig config)
    {
        string? problem = StoredConfigProblem(directory, config, out var differing);
        if (differing.Count > 0)
            throw new ConfigurationException(
                $"--resume: {Path.Combine(directory, "config.json")} was written with other options ({string.Join(", ", differing)} differ); rerun with the same options, or without --resume to start over.");
        return problem;
    }

    /// <summary>
    /// What makes the run in <paramref name="directory"/> not <paramref name="config"/>'s run, or null: config.json
    /// missing, unreadable, or written with other options (<paramref name="differing"/> names the fields, checkpoint
    /// spacing aside).
    /// </summary>
    public static string? StoredConfigProblem(string directory, RunConfig config, out IReadOnlyList<string> differing)
    {
        differing = Array.Empty<string>();
        string path = Path.Combine(directory, "config.json");
        if (!File.Exists(path)) return $"{path} is missing";
        RunConfig stored;
        try
        {
            stored = StudyJson.Read<RunConfig>(path);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            return $"{path} cannot be read ({ErrorText.FirstLine(ex).TrimEnd('.')})";
        }
        differing = StudyJson.DifferingFields(stored with { CheckpointEvery = 0 }, config with { CheckpointEvery = 0 });
        return differing.Count > 0 ? $"{path} was written with other options ({string.Join(", ", differing)} differ)" : null;
    }

    /// <summary>Writes config.json.</summary>
    public static void WriteConfig(string directory, RunConfig config) => _ = StudyJson.Write(Path.Combine(directory, "config.json"), config);

    /// <summary>
    /// Writes steps.csv, events.json, model.safetensors, data.safetensors (synthetic tasks) and, last, summary.json
    /// (its presence marks a finished run) with the size and checksum of every other file; each file is written
    /// atomically. Then removes the checkpoint. Returns the summary as written.
    /// </summary>
    /// <exception cref="IOException">A file could not be written (e.g. the disk is full); the message names it.</exception>
    public static RunSummary WriteResults(RunOutcome outcome, NetworkModule model, StudyData data, IReadOnlyList<string> extraColumns)
    {
        string dir = outcome.Directory;
        var files = new Dictionary<string, FileDigest>(StringComparer.Ordinal);
        string observers = ObserverFolder(dir);
        if (Directory.Exists(observers))
            foreach (var (name, digest) in FileDigest.OfFolder(observers)) files["observers/" + name] = digest;
        files["steps.csv"] = WriteSteps(Path.Combine(dir, "steps.csv"), outcome.Rows, extraColumns);
        files["events.json"] = StudyJson.Write(Path.Combine(dir, "events.json"), outcome.Events);
        files["model.safetensors"] = AtomicFile.Write(Path.Combine(dir, "model.safetensors"), ModelWeights.ToSafetensors(model, new Dictionary<string, string>
        {
            ["architecture"] = outcome.Config.Network.Architecture,
            ["parameterization"] = (outcome.Config.Network.Parameterization ?? ModelFactory.DefaultParameterization(outcome.Config.Network.Spec.Kind)).ToString(),
            ["names"] = "parameter names of NetworkModule.TrainableParameters(); raw weights (the parameterisation's scale is applied in the forward pass)",
        }).Write);
        if (data.IsSynthetic)
        {
            files["data.safetensors"] = AtomicFile.Write(Path.Combine(dir, "data.safetensors"), new SafetensorsFile(new[]
            {
                SafetensorsTensor.FromSingles("train.x", data.Train.Features.shape, ModelWeights.ToSingles(data.Train.Features)),
                SafetensorsTensor.FromSingles("train.y", data.Train.Targets.shape, ModelWeights.ToSingles(data.Train.Targets)),
                SafetensorsTensor.FromSingles("test.x", data.Test.Features.shape, ModelWeights.ToSingles(data.Test.Features)),
                SafetensorsTensor.FromSingles("test.y", data.Test.Targets.shape, ModelWeights.ToSingles(data.Test.Targets)),
            }, new Dictionary<string, string> { ["dataset"] = data.Name }).Write);
        }
        // config.json was written when the run started and never since (a controller's realised schedule goes into
        // the summary), so its checksum guards it like the other files.
        files["config.json"] = FileDigest.OfFile(Path.Combine(dir, "config.json"));
        var summary = outcome.Summary with { Files = files };
        StudyJson.Write(Path.Combine(dir, "summary.json"), summary);
        Checkpoint.Delete(dir);
        return summary;
    }

    /// <summary>
    /// Whether <paramref name="directory"/> holds a finished run that can be trusted: summary.json reads and every
    /// file it lists has the size and checksum written with it. Returns what is wrong, or null.
    /// </summary>
    public static string? VerifyFinished(string directory)
    {
        RunSummary summary;
        try
        {
            summary = StudyJson.Read<RunSummary>(Path.Combine(directory, "summary.json"));
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.ReplaceLineEndings(" ").TrimEnd('.');
        }
        string path = Path.Combine(directory, "summary.json");
        if (summary.Files is not { Count: > 0 } files) return $"{path} lists no file checksums (written by an older version?)";
        if (summary.Problem() is { } problem) return $"{path}: {problem}";
        return FileDigest.Verify(directory, files)
            ?? (CountEvents(directory) is int events && events != summary.Catapults
                ? $"{path}: catapults {summary.Catapults} differs from the {events} events of events.json"
                : null);
    }

    // events.json's length (its checksum has just been verified), or null when it does not read as a list.
    private static int? CountEvents(string directory)
    {
        try
        {
            return StudyJson.Read<List<CatapultEvent>>(Path.Combine(directory, "events.json")).Count;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Reads a finished run back (for a resumed sweep); call <see cref="VerifyFinished"/> first.</summary>
    /// <exception cref="InvalidDataException">A file does not hold what it should; the message names it.</exception>
    public static RunOutcome Read(string directory)
    {
        var config = StudyJson.Read<RunConfig>(Path.Combine(directory, "config.json"));
        var summary = StudyJson.Read<RunSummary>(Path.Combine(directory, "summary.json"));
        var events = StudyJson.Read<List<CatapultEvent>>(Path.Combine(directory, "events.json"));
        return new RunOutcome(directory, config, summary, ReadSteps(Path.Combine(directory, "steps.csv")), events);
    }

    private const string Header = "step,learning_rate,batch_loss,train_loss,test_loss";

    private static FileDigest WriteSteps(string path, IReadOnlyList<StepRow> rows, IReadOnlyList<string> extra)
    {
        var text = new StringBuilder(Header);
        foreach (var c in extra) text.Append(',').Append(c);
        text.Append('\n');
        foreach (var r in rows)
        {
            text.Append(r.Step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Format(r.LearningRate)).Append(',')
                .Append(Format(r.BatchLoss)).Append(',').Append(Format(r.TrainLoss)).Append(',').Append(Format(r.TestLoss));
            foreach (var v in r.Extra) text.Append(',').Append(Format(v));
            text.Append('\n');
        }
        return AtomicFile.WriteText(path, text.ToString());
    }

    private static List<StepRow> ReadSteps(string path)
    {
        var rows = new List<StepRow>();
        int number = 1;
        try
        {
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                number++;
                var f = line.Split(',');
                if (f.Length < 5) throw new FormatException($"{f.Length} fields, expected at least 5");
                rows.Add(new StepRow(int.Parse(f[0], CultureInfo.InvariantCulture), Parse(f[1]) ?? double.NaN, Parse(f[2]),
                    Parse(f[3]) ?? double.NaN, Parse(f[4]) ?? double.NaN, f.Skip(5).Select(Parse).ToList()));
            }
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{path}: line {number} cannot be read ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read ({ex.Message}).", ex);
        }
        return rows;
    }

    /// <summary>A value as steps.csv writes it (round-trip, empty for null).</summary>
    public static string Format(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static double? Parse(string s) => s.Length == 0 ? null : double.Parse(s, CultureInfo.InvariantCulture);
}
