namespace Catapults.Study.Cells;

/// <summary>
/// The record a cell leaves in its folder as cell.json, written atomically and last: its presence with
/// <see cref="CellState.Finished"/> is what makes a cell finished. It holds nothing that varies between reruns of the
/// same cell (no time, no host), so a cell's folder is the same bytes wherever and however often it ran.
/// </summary>
public sealed record CellRecord
{
    /// <summary>The record's file name inside the cell's folder.</summary>
    public const string FileName = "cell.json";

    /// <summary>The cell's index in the plan.</summary>
    public required int Index { get; init; }

    /// <summary>The cell's label.</summary>
    public required string Label { get; init; }

    /// <summary>The <see cref="PlannedCell.Digest"/> of the configuration the cell ran with.</summary>
    public required string ConfigurationDigest { get; init; }

    /// <summary>How the cell ended.</summary>
    public required CellState State { get; init; }

    /// <summary>Why a failed cell failed (one line); null for a finished one.</summary>
    public string? Message { get; init; }
}
