namespace Catapults.Study.Cells;

/// <summary>Where one cell of a plan stands, as read from its folder.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Finished">True when its record says finished and belongs to this plan's configuration.</param>
/// <param name="Problem">Null when finished or never started; otherwise why it is not finished (a failure, a foreign or unreadable record).</param>
/// <param name="Foreign">True when its record belongs to another plan's cell (copied in, or left by a plan of other options): nothing in its folder is this cell's.</param>
public sealed record CellStatus(PlannedCell Cell, bool Finished, string? Problem, bool Foreign = false)
{
    /// <summary>True when the cell has no record at all: it never ran, or it was killed before it finished.</summary>
    public bool Missing => !Finished && Problem is null;
}
