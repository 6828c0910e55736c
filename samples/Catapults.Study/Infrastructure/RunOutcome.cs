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
    /// <summary>
    /// The clear catapults of this run (<see cref="Catapults.ML.Diagnostics.SharpnessDrift"/>), those that could not be
    /// judged, and the median λ_max drop of its catapults in percent, over the λ_max its steps.csv records as
    /// <c>lambda_max</c>; null for a run without records or without that column.
    /// </summary>
    public (int Clear, int Unjudged, double? MedianDropPercent)? SharpnessDrift()
    {
        if (Rows.Count == 0) return null;
        int column = ExtraColumn("lambda_max");
        if (column < 0) return null;
        var detector = RunExecutor.DetectorOver(Config, Rows, column);
        var (events, clear, unjudged) = detector.JudgeDrift();
        return (clear.Count, unjudged.Count, Catapults.ML.Diagnostics.SharpnessDrift.MedianDropPercent(detector.Points, events));
    }

    /// <summary>The position in <see cref="StepRow.Extra"/> of the steps.csv column <paramref name="name"/> (−1 when absent).</summary>
    public int ExtraColumn(string name) => Array.IndexOf(ExtraColumnsIn(Directory), name);

    /// <summary>The names of the extra columns of the steps.csv in <paramref name="directory"/> (after the fixed ones).</summary>
    internal static string[] ExtraColumnsIn(string directory) =>
        (File.ReadLines(Path.Combine(directory, "steps.csv")).FirstOrDefault()?.Split(',') ?? Array.Empty<string>()).Skip(StepRow.FixedColumns).ToArray();
}
