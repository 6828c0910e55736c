using Catapults.ML.Diagnostics;

namespace Catapults.Study.Infrastructure;

/// <summary>What one run produced (also on disk in its run directory).</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Config">The configuration.</param>
/// <param name="Summary">summary.json.</param>
/// <param name="Rows">steps.csv.</param>
/// <param name="Events">events.json.</param>
public sealed record RunOutcome(string Directory, RunConfig Config, RunSummary Summary, IReadOnlyList<StepRow> Rows, IReadOnlyList<CatapultEvent> Events);
