using Catapults.ML.Serialization;
using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// A sweep's directory: one JSON file per finished cell (<c>cells/&lt;id&gt;.json</c>) and a manifest describing the
/// sweep. Results are written atomically (to a temporary file, then renamed), so a file either holds a whole result or
/// does not exist: a killed sweep resumes by skipping the cells whose file exists and rerunning the others. The
/// manifest guards against resuming into a directory that holds a different sweep.
/// </summary>
public sealed class SweepStore
{
    /// <summary>File name of the manifest.</summary>
    public const string ManifestFileName = "manifest.json";

    private readonly bool _discardsDamaged;
    private readonly Func<SweepCellResult, string?>? _mismatch;

    private SweepStore(string directory, bool discardsDamaged, Func<SweepCellResult, string?>? mismatch)
    {
        Directory = directory;
        CellDirectory = Path.Combine(directory, "cells");
        _discardsDamaged = discardsDamaged;
        _mismatch = mismatch;
    }

    /// <summary>The sweep directory.</summary>
    public string Directory { get; }

    /// <summary>Where cell results live.</summary>
    public string CellDirectory { get; }

    /// <summary>
    /// Opens (creating it if needed) the sweep directory <paramref name="directory"/> for the sweep described by
    /// <paramref name="manifest"/> (any text that changes when the sweep's settings change, e.g. its JSON). Throws
    /// <see cref="InvalidDataException"/> when the directory holds a different sweep (or a damaged manifest). Leftover temporary files of cells killed mid-write are removed,
    /// and so is a result file that cannot be trusted (<see cref="TryLoad"/>): the store is the cell's own, and refusing
    /// the file would leave a cell that no rerun or scheduler retry can finish. <paramref name="mismatch"/> says why a
    /// well-formed result is not this sweep's run (for example <see cref="FeatureStrengthCellSpec.Mismatch"/>), or null.
    /// </summary>
    public static SweepStore Open(string directory, string manifest, Func<SweepCellResult, string?>? mismatch = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(manifest);
        var store = new SweepStore(Path.GetFullPath(directory), discardsDamaged: true, mismatch);
        System.IO.Directory.CreateDirectory(store.CellDirectory);
        string manifestPath = Path.Combine(store.Directory, ManifestFileName);
        if (File.Exists(manifestPath))
        {
            string existing = File.ReadAllText(manifestPath);
            if (existing != manifest)
                throw new InvalidDataException(
                    $"{manifestPath} describes a different sweep than the one requested, so its cells cannot be reused. " +
                    "Use a new output directory, or delete this one to start over.");
        }
        else
        {
            AtomicFile.WriteText(manifestPath, manifest);
        }
        AtomicFileWriter.RemoveLeftovers(store.CellDirectory);
        return store;
    }

    /// <summary>
    /// The sweep directory <paramref name="directory"/> to read from only: nothing is created or removed, so a check
    /// of finished files never touches the temporary file of a cell another process is still writing. The caller
    /// has compared the manifest; <paramref name="mismatch"/> is as for <see cref="Open"/>.
    /// </summary>
    public static SweepStore ForReading(string directory, Func<SweepCellResult, string?>? mismatch = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new SweepStore(Path.GetFullPath(directory), discardsDamaged: false, mismatch);
    }

    /// <summary>The result file of <paramref name="cell"/>.</summary>
    public string ResultPath(SweepCell cell) => Path.Combine(CellDirectory, cell.Id + ".json");

    /// <summary>
    /// The finished result of <paramref name="cell"/>, or null when it has not finished. A file that cannot be trusted
    /// (unreadable, another cell's, or impossible) is an <see cref="InvalidDataException"/> naming it in a store opened
    /// for reading; a store opened to run the sweep says so in one line, deletes it and returns null, so the cell runs again.
    /// </summary>
    public SweepCellResult? TryLoad(SweepCell cell)
    {
        string path = ResultPath(cell);
        if (!File.Exists(path)) return null;
        var (result, problem) = Load(path, cell);
        if (problem is null && _mismatch?.Invoke(result!) is string other) problem = $"is not this sweep's run of cell {cell.Id}: {other}";
        if (problem is null) return result;
        // Read-only, the store leaves what to do to its caller: a finished cell found damaged runs again, a merge refuses it.
        if (!_discardsDamaged) throw new InvalidDataException($"{path} {problem}");
        Cli.WriteNotice($"{path} {problem}", "; it is not trusted, and the cell runs again.");
        File.Delete(path);
        return null;
    }

    private static (SweepCellResult? Result, string? Problem) Load(string path, SweepCell cell)
    {
        SweepCellResult? result;
        try
        {
            result = JsonSerializer.Deserialize<SweepCellResult>(File.ReadAllText(path), SweepJson.Compact);
        }
        catch (Exception ex) when (StudyJson.IsMalformed(ex))
        {
            return (null, $"is not a readable cell result ({ex.Message})");
        }
        if (result?.Cell is null)
            return (null, $"holds no cell (γ, η), not cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate})");
        if (result.Cell != cell)
            return (null, $"holds the result of γ = {result.Cell.Gamma}, η = {result.Cell.LearningRate}, not of cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate})");
        if (result.Inconsistency() is string impossible) return (null, $"holds an impossible cell result ({impossible})");
        return (result, null);
    }

    /// <summary>Saves <paramref name="result"/> atomically to <see cref="ResultPath"/>.</summary>
    public void Save(SweepCellResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.WriteText(ResultPath(result.Cell), JsonSerializer.Serialize(result, SweepJson.Compact));
    }


}
