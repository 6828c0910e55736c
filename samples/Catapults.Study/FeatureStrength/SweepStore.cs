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

    private SweepStore(string directory)
    {
        Directory = directory;
        CellDirectory = Path.Combine(directory, "cells");
    }

    /// <summary>The sweep directory.</summary>
    public string Directory { get; }

    /// <summary>Where cell results live.</summary>
    public string CellDirectory { get; }

    /// <summary>
    /// Opens (creating it if needed) the sweep directory <paramref name="directory"/> for the sweep described by
    /// <paramref name="manifest"/> (any text that changes when the sweep's settings change, e.g. its JSON). Throws
    /// <see cref="InvalidDataException"/> when the directory holds a different sweep (or a damaged manifest). Leftover temporary files of cells killed mid-write are removed.
    /// </summary>
    public static SweepStore Open(string directory, string manifest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(manifest);
        var store = new SweepStore(Path.GetFullPath(directory));
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
    /// has compared the manifest.
    /// </summary>
    public static SweepStore ForReading(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new SweepStore(Path.GetFullPath(directory));
    }

    /// <summary>The result file of <paramref name="cell"/>.</summary>
    public string ResultPath(SweepCell cell) => Path.Combine(CellDirectory, cell.Id + ".json");

    /// <summary>The finished result of <paramref name="cell"/>, or null when it has not finished.</summary>
    public SweepCellResult? TryLoad(SweepCell cell)
    {
        string path = ResultPath(cell);
        if (!File.Exists(path)) return null;
        SweepCellResult? result;
        try
        {
            result = JsonSerializer.Deserialize<SweepCellResult>(File.ReadAllText(path), SweepJson.Compact);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a readable cell result ({ex.Message}). Delete it to rerun the cell.", ex);
        }
        if (result is null || result.Cell != cell)
            throw new InvalidDataException(
                $"{path} holds the result of {(result is null ? "nothing" : $"γ = {result.Cell.Gamma}, η = {result.Cell.LearningRate}")}, " +
                $"not of cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate}). Delete it to rerun the cell.");
        if (result.Inconsistency() is string problem)
            throw new InvalidDataException($"{path} holds an impossible cell result ({problem}). Delete it to rerun the cell.");
        return result;
    }

    /// <summary>Saves <paramref name="result"/> atomically to <see cref="ResultPath"/>.</summary>
    public void Save(SweepCellResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.WriteText(ResultPath(result.Cell), JsonSerializer.Serialize(result, SweepJson.Compact));
    }


}
