using Catapults.Study.Infrastructure;
using Catapults.ML.Runtime;

namespace Catapults.Study.Cells;

/// <summary>Reads and writes the cell records (cell.json) of a run folder: which cells finished, which failed and why.</summary>
public static class CellLedger
{
    /// <summary>Where <paramref name="cell"/> of the run folder <paramref name="directory"/> stands.</summary>
    /// <exception cref="ConfigurationException">A folder stands where the cell's record goes.</exception>
    public static CellStatus Inspect(string directory, PlannedCell cell)
    {
        string path = Path.Combine(CellPlan.CellFolder(directory, cell), CellRecord.FileName);
        // Refused before the cell runs: its record could never be written there, and the run's work would be lost.
        if (Directory.Exists(path))
            throw new ConfigurationException($"{path} is a folder, where cell {cell.Index}'s record (a file) goes; remove it, then run the cell again.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new CellStatus(cell, false, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CellStatus(cell, false, $"{path} cannot be read ({ex.Message.ReplaceLineEndings(" ")})");
        }
        CellRecord? record;
        try
        {
            // Exact: a damaged field name (a failed cell's message) is damage, not a field to skip.
            record = JsonSerializer.Deserialize<CellRecord>(bytes, CellJson.Exact);
        }
        catch (JsonException ex)
        {
            // Records are written atomically, so this is damage from outside; it is never trusted, and the cell reruns.
            return new CellStatus(cell, false, $"{path} is not a readable record ({ErrorText.FirstLine(ex)})");
        }
        if (record is null)
            return new CellStatus(cell, false, $"{path} is not a readable record (it holds JSON null)");
        if (record.Index != cell.Index || record.Label != cell.Label || record.ConfigurationDigest != cell.Digest)
            return new CellStatus(cell, false, $"{path} belongs to another plan's cell (index, label or configuration differ)", Foreign: true);
        return record.State == CellState.Finished
            ? new CellStatus(cell, true, null)
            : new CellStatus(cell, false, "failed: " + (record.Message ?? "no reason recorded"));
    }

    /// <summary>Where every cell of <paramref name="plan"/> stands, in index order.</summary>
    public static IReadOnlyList<CellStatus> InspectAll(string directory, CellPlan plan)
    {
        var statuses = new CellStatus[plan.Cells.Count];
        // Reading thousands of small records is latency-bound on a shared filesystem; a few readers at once hide it.
        try
        {
            Parallel.For(0, statuses.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => statuses[i] = Inspect(directory, plan.Cells[i]));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<ConfigurationException>().FirstOrDefault() is { } refusal)
        {
            // The refusal of one cell, as Inspect gives it, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
        }
        return statuses;
    }

    /// <summary>Records <paramref name="cell"/> as finished (atomically; the last file a cell writes).</summary>
    public static void MarkFinished(string directory, PlannedCell cell) => Write(directory, cell, CellState.Finished, null);

    /// <summary>Records <paramref name="cell"/> as failed with <paramref name="message"/>.</summary>
    public static void MarkFailed(string directory, PlannedCell cell, string message) =>
        Write(directory, cell, CellState.Failed, message.ReplaceLineEndings(" "));

    private static void Write(string directory, PlannedCell cell, CellState state, string? message)
    {
        string folder = CellPlan.CellFolder(directory, cell);
        Directory.CreateDirectory(folder);
        var record = new CellRecord { Index = cell.Index, Label = cell.Label, ConfigurationDigest = cell.Digest, State = state, Message = message };
        AtomicFile.WriteText(Path.Combine(folder, CellRecord.FileName), JsonSerializer.Serialize(record, CellJson.Indented) + "\n");
    }

    /// <summary>Indices as compact ranges, e.g. <c>0-3, 7, 9-10</c>.</summary>
    public static string Ranges(IEnumerable<int> indices)
    {
        var sorted = indices.Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
