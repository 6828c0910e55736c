namespace Catapults.Study.Cells;

/// <summary>Where one cell of a plan stands, as read from its folder.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Finished">True when its record says finished and belongs to this plan's configuration.</param>
/// <param name="Problem">Null when finished or never started; otherwise why it is not finished (a failure, a foreign or unreadable record).</param>
public sealed record CellStatus(PlannedCell Cell, bool Finished, string? Problem)
{
    /// <summary>True when the cell has no record at all: it never ran, or it was killed before it finished.</summary>
    public bool Missing => !Finished && Problem is null;
}
