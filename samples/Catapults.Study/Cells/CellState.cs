namespace Catapults.Study.Cells;

/// <summary>What a cell's record (cell.json) says about it.</summary>
public enum CellState
{
    /// <summary>The cell ran to its end and wrote every file; it is read back, never rerun.</summary>
    Finished,

    /// <summary>The cell stopped with an error; the next run-cell of its index runs it again (from its checkpoint).</summary>
    Failed,
}
