using Catapults.ML.Diagnostics;

namespace Catapults.Study.Infrastructure;

/// <summary>What one run produced (also on disk in its run directory).</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Config">The configuration.</param>
/// <param name="Summary">summary.json.</param>
/// <param name="Rows">steps.csv.</param>
/// <param name="Events">events.json.</param>
public sealed record RunOutcome(string Directory, RunConfig Config, RunSummary Summary, IReadOnlyList<StepRow> Rows, IReadOnlyList<CatapultEvent> Events)
{
    /// <summary>The position in <see cref="StepRow.Extra"/> of the steps.csv column <paramref name="name"/> (−1 when absent).</summary>
    public int ExtraColumn(string name)
    {
        var header = File.ReadLines(Path.Combine(Directory, "steps.csv")).First().Split(',');
        int index = Array.IndexOf(header, name);
        return index < 0 ? -1 : index - StepRow.FixedColumns;
    }
}
