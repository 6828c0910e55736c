namespace Catapults.Study.Cells;

/// <summary>A cell could not finish; its record says so, and the next run of its index runs it again.</summary>
public sealed class CellFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="cell"/>.</summary>
    public CellFailedException(PlannedCell cell, string reason, Exception? inner = null)
        : base($"cell {cell.Index} ({cell.Label}) failed: {reason}", inner)
    {
        Cell = cell;
    }

    /// <summary>The cell.</summary>
    public PlannedCell Cell { get; }
}
