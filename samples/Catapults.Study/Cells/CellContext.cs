namespace Catapults.Study.Cells;

/// <summary>What an experiment is given to run one cell.</summary>
/// <param name="Plan">The plan the cell belongs to.</param>
/// <param name="Cell">The cell.</param>
/// <param name="PlanDirectory">The plan's folder (holding plan.json).</param>
/// <param name="Folder">The cell's own folder: the only place the cell may write. It exists when the cell starts.</param>
/// <param name="Progress">Called with the step reached, for a progress display; may be ignored.</param>
public sealed record CellContext(CellPlan Plan, PlannedCell Cell, string PlanDirectory, string Folder, Action<int> Progress);
