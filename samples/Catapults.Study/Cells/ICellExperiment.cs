namespace Catapults.Study.Cells;

/// <summary>
/// An experiment as a list of cells. Its options alone fix the plan (every cell's index, label and configuration), so
/// the same options always give the same plan; each cell runs on its own, writes only into its folder and resumes from
/// its own checkpoint; the merge reads the finished cells and writes the report.
/// </summary>
public interface ICellExperiment
{
    /// <summary>The sub-command name (e.g. batch-sweep); also stored in plan.json to find the experiment again.</summary>
    string Name { get; }

    /// <summary>One line for --help.</summary>
    string Description { get; }

    /// <summary>The type of its cells' configurations in plan.json, read before any cell's files are touched.</summary>
    Type ConfigurationType { get; }

    /// <summary>Adds the experiment's options to <paramref name="command"/> (the plain command and <c>plan &lt;name&gt;</c> share them).</summary>
    void AddOptions(Command command);

    /// <summary>The output folder the options name (--out or the experiment's default).</summary>
    /// <exception cref="Catapults.Study.Infrastructure.ConfigurationException">It cannot be used.</exception>
    string OutputFolder(ParseResult parse);

    /// <summary>
    /// Whether the plain command keeps the folder's finished cells and continues its unfinished ones from their
    /// checkpoints (e.g. with --resume), rather than running every cell from the start. run-cell always keeps them.
    /// </summary>
    bool KeepsFinishedCells(ParseResult parse);

    /// <summary>
    /// Called by the plain command, before it replaces plan.json, when it keeps finished cells and the folder holds a
    /// plan of other options: throws when continuing would mix runs of the two plans (by default it never does, since
    /// each cell's record names its configuration and a cell of the other plan runs again from an empty folder).
    /// </summary>
    /// <exception cref="Catapults.Study.Infrastructure.ConfigurationException">Continuing is refused; the message names the file and the options that differ.</exception>
    void RefuseReplacedPlan(CellPlan plan, string directory) { }

    /// <summary>
    /// Whether a cell's folder, whose record is another plan's cell, still holds this cell's own work: a run of the same
    /// configuration but for settings that do not change its result (e.g. checkpoint spacing). It is then continued or
    /// read back; otherwise (by default) the folder is emptied and the cell runs from the start.
    /// </summary>
    bool HoldsOwnWork(CellContext context) => false;

    /// <summary>
    /// How many cells the plain command runs at once when <c>--jobs</c> is not given: 1 (one after another in the
    /// command's own process) unless the experiment's cells take long enough to repay starting a process each (a few
    /// seconds), or need the machine's cores to fit their budget; then one per core, up to the cells.
    /// </summary>
    int DefaultJobs(CellPlan plan) => 1;

    /// <summary>What <see cref="DefaultJobs"/> gives, in the words of the <c>--jobs</c> help.</summary>
    string DefaultJobsText => OneAfterAnother;

    /// <summary>The <c>--jobs</c> help's words for a default of 1.</summary>
    const string OneAfterAnother = "1, one cell after another in this process";

    /// <summary>The <c>--jobs</c> help's words for <see cref="CellPlan.JobsOnEveryCore"/>.</summary>
    const string OnEveryCore = "one per core, up to the cells";

    /// <summary>
    /// Validates the options and builds the plan. Any work that fixes what the cells run (e.g. measuring a learning
    /// rate at initialisation) happens here, once, and its result goes into the cells' configurations or the plan's
    /// settings. Nothing is written.
    /// </summary>
    /// <exception cref="Catapults.Study.Infrastructure.ConfigurationException">An option is invalid; the message names it.</exception>
    CellPlan Plan(ParseResult parse, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one cell, writing only into <see cref="CellContext.Folder"/>, atomically; if the folder holds a checkpoint
    /// of the same configuration, continues from it. Never called for a finished cell. Throws when the cell cannot
    /// finish (the cell is then recorded as failed).
    /// </summary>
    void RunCell(CellContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Checks a cell whose record says finished before it is read back instead of run: returns what is wrong with its
    /// files (the cell then runs again), or null when they can be trusted.
    /// </summary>
    string? VerifyFinished(CellContext context);

    /// <summary>
    /// Writes the report into <paramref name="directory"/> from the cells, which are all finished and have passed
    /// <see cref="VerifyFinished"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A cell's files do not hold what they should; the message names the file.</exception>
    void Merge(CellPlan plan, string directory, CancellationToken cancellationToken);
}
