using System.Text.Json;
using Catapults.ML.Scaling;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.FeatureStrength;

/// <summary>
/// One γ's learning-rate scan as a cell. The scan is sequential (each rate depends on the outcome of the last), so it
/// is the smallest unit that runs on its own; its finished rates are kept in the cell's folder (cells/, written
/// atomically by a <see cref="SweepStore"/>), so a killed scan resumes without rerunning them, and the whole scan ends
/// in scan.json.
/// </summary>
internal static class GammaScan
{
    /// <summary>The file that holds a finished scan's results.</summary>
    public const string ResultFile = "scan.json";

    /// <summary>Runs (or resumes) the scan of γ number <paramref name="gammaIndex"/> of <paramref name="settings"/> in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<SweepCellResult> Run(FeatureStrengthSettings settings, int gammaIndex, string folder,
        IProgress<SweepCellResult>? progress, CancellationToken cancellationToken)
    {
        var options = settings.SweepOptions(parallelism: 1);
        options.Gammas = new[] { settings.Gammas()[gammaIndex] };
        var store = SweepStore.Open(folder, settings.Manifest());
        // The scan's rates share the architecture, the batch size and the step budget, so they train as ensemble members.
        var found = EnsembledRateScan.Run(options,
            (cells, ct) => FeatureStrengthCellRunner.RunEnsemble(cells.Select(c => (settings.CellSpec(c.Gamma, c.LearningRate), c)).ToList(), ct),
            store, EnsembledRateScan.DefaultWidth, progress, cancellationToken);
        var result = FeatureStrengthSweep.Summarise(options, found);
        // The scan ran as a sweep of one γ; its results take their place in the full grid here.
        var cells = result.Cells.Select(r => r with { Cell = r.Cell with { GammaIndex = gammaIndex } }).ToList();
        AtomicFile.WriteText(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(cells, SweepJson.Compact));
        return cells;
    }

    /// <summary>What is wrong with a finished scan's files, or null.</summary>
    public static string? Verify(string folder)
    {
        try
        {
            _ = Read(folder);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    /// <summary>A finished scan's results.</summary>
    /// <exception cref="InvalidDataException">scan.json is missing or does not hold them; the message names it.</exception>
    public static IReadOnlyList<SweepCellResult> Read(string folder)
    {
        string path = Path.Combine(folder, ResultFile);
        try
        {
            return JsonSerializer.Deserialize<List<SweepCellResult>>(File.ReadAllText(path), SweepJson.Compact) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a readable scan ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{path} is missing.", ex);
        }
    }
}
