using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>
/// Writes a plan's files for one scheduler (<c>plan --emit TARGET</c>) into <c>DIR/TARGET</c>. The base checks the
/// run folder and creates the target's folder; an emitter writes its files there. A new scheduler is one more
/// subclass listed in <see cref="CellPlanEmitters.All"/>; the plan command and its options know no target by name.
/// </summary>
public abstract class CellPlanEmitter
{
    /// <summary>
    /// The <c>run-cell --wait-if-busy</c> interval the scheduler's files pass, in seconds: a task or pod that finds its cell
    /// run by an earlier copy of itself waits for it instead of failing its job.
    /// </summary>
    public const double BusyPollSeconds = 30;

    /// <summary>The name <c>--emit</c> takes, which is also the folder of the run folder that holds the files.</summary>
    public abstract string Target { get; }

    /// <summary>The run folder's full path; called before the plan is written, so that a folder the scheduler's files cannot name is refused first.</summary>
    /// <exception cref="ConfigurationException">The scheduler's files cannot name the folder.</exception>
    public virtual string CheckFolder(string directory) => FullPath(directory);

    /// <summary>
    /// The full path of <paramref name="directory"/> without a trailing separator: <c>--out runs/</c> names the folder
    /// <c>runs</c>, whose name the scheduler's files use (with the separator its name read as empty).
    /// </summary>
    protected static string FullPath(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));

    /// <summary>Writes the files for <paramref name="plan"/> in <c><paramref name="directory"/>/<see cref="Target"/></c>; returns their paths.</summary>
    /// <exception cref="ConfigurationException">The run folder or a setting cannot be written into the scheduler's files.</exception>
    public IReadOnlyList<string> Write(string directory, CellPlan plan, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        string run = CheckFolder(directory);
        string folder = Path.Combine(run, Target);
        Directory.CreateDirectory(folder);
        return WriteFiles(run, folder, plan, settings);
    }

    /// <summary>Writes the scheduler's files into <paramref name="folder"/> for the plan in <paramref name="run"/>; returns their paths.</summary>
    protected abstract IReadOnlyList<string> WriteFiles(string run, string folder, CellPlan plan, ClusterSettings settings);
}
