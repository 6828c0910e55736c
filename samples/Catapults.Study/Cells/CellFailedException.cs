using Catapults.ML.Runtime;

namespace Catapults.Study.Cells;

/// <summary>A cell could not finish; its record says so, and the next run of its index runs it again.</summary>
public sealed class CellFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="cell"/>.</summary>
    public CellFailedException(PlannedCell cell, string reason, Exception? inner = null)
        : base($"cell {cell.Index} ({cell.Label}) failed: {reason}", inner)
    {
        Cell = cell;
        Reason = reason;
    }

    /// <summary>Why the cell failed, without the cell's name.</summary>
    public string Reason { get; }

    /// <summary>What a cell's record says of <paramref name="failure"/>: its reason, or the first line of any other exception.</summary>
    public static string ReasonOf(Exception failure) => failure is CellFailedException cell ? cell.Reason : ErrorText.FirstLine(failure);

    /// <summary>The cell.</summary>
    public PlannedCell Cell { get; }
}
