using Catapults.Study.Infrastructure;

namespace Catapults.Study.Cells;

/// <summary>
/// The base of the experiments whose cells are <see cref="RunExecutor"/> runs, one <see cref="RunConfig"/> each: the
/// common options, --resume, a cell that trains (or resumes, or reads back) its run in its folder, and a merge that
/// reads every finished run back through the same code, so the report sees exactly what a single process would have.
/// Subclasses fill the hooks: their options, the plan, how one run is executed, and the report.
/// </summary>
/// <typeparam name="TResult">What one run gives the report (the run itself, or the run with its observers' records).</typeparam>
public abstract class RunCellExperiment<TResult> : ICellExperiment
{
    /// <summary>The options every experiment shares.</summary>
    protected CommonOptions Common { get; } = new();

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public Type ConfigurationType => typeof(RunConfig);

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>Whether the experiment's network has biases unless --bias or --no-bias says otherwise; null: the architecture's default.</summary>
    protected virtual bool? DefaultBias => null;

    /// <summary>The seeds unless --seeds says otherwise, without and with --quick; declared once, for the plan and the help.</summary>
    protected virtual (int Default, int Quick) DefaultSeeds => (1, 1);

    /// <summary>The seeds of the run <paramref name="parse"/> asks for: --seeds, or <see cref="DefaultSeeds"/>.</summary>
    protected int SeedCount(ParseResult parse) =>
        Common.SeedCount(parse, parse.GetValue(Common.Quick) ? DefaultSeeds.Quick : DefaultSeeds.Default);

    /// <inheritdoc />
    public void AddOptions(Command command)
    {
        Common.DescribeBiasDefault(DefaultBias);
        Common.DescribeSeedsDefault(DefaultSeeds.Default, DefaultSeeds.Quick);
        Common.AddTo(command);
        AddExperimentOptions(command);
    }

    /// <summary>Adds the experiment's own options.</summary>
    protected abstract void AddExperimentOptions(Command command);

    /// <inheritdoc />
    public string OutputFolder(ParseResult parse) => Common.OutputFor(parse, Name);

    /// <inheritdoc />
    public bool KeepsFinishedCells(ParseResult parse) => parse.GetValue(Common.Resume);

    /// <inheritdoc />
    public virtual int DefaultJobs(CellPlan plan) => 1;

    /// <inheritdoc />
    public virtual string DefaultJobsText => ICellExperiment.OneAfterAnother;

    /// <inheritdoc />
    public abstract CellPlan Plan(ParseResult parse, CancellationToken cancellationToken);

    /// <inheritdoc />
    public void RunCell(CellContext context, CancellationToken cancellationToken)
    {
        var config = CellPlan.ConfigurationOf<RunConfig>(context.Cell);
        // The plan checked its runs; an edited plan.json is checked again, so a bad field is refused, not a cell failure
        // (the data's settings before any data is built from them).
        config.Data.Validate();
        using var data = StudyData.Load(config.Data);
        RunExecutor.Validate(config, data);
        var result = Execute(context.Plan, config, data, context.Folder, context.Progress, cancellationToken);
        Console.WriteLine($"{config.Label}: {Describe(result)}");
    }

    /// <inheritdoc />
    /// <remarks>
    /// --resume under other options is refused, as <see cref="RunExecutor.Run"/> refuses it for one run, here before
    /// plan.json is replaced, so the folder stays as it was.
    /// </remarks>
    public void RefuseReplacedPlan(CellPlan plan, string directory)
    {
        foreach (var cell in plan.Cells)
            RunDirectory.CheckStoredConfig(CellPlan.CellFolder(directory, cell), CellPlan.ConfigurationOf<RunConfig>(cell));
    }

    /// <inheritdoc />
    /// <remarks>Its config.json matches the cell's configuration, checkpoint spacing aside; the run's own files are checked when it resumes.</remarks>
    public bool HoldsOwnWork(CellContext context) =>
        RunDirectory.StoredConfigProblem(context.Folder, CellPlan.ConfigurationOf<RunConfig>(context.Cell), out _) is null;

    /// <inheritdoc />
    /// <remarks>
    /// A whole run of other options (copied in beside this plan's record) is not this cell's run either, nor is one whose
    /// steps.csv has other columns than <see cref="StepColumnNames"/> (written by a build that recorded others): the
    /// cell runs again, and a merge refuses it rather than train it.
    /// </remarks>
    public string? VerifyFinished(CellContext context)
    {
        var config = CellPlan.ConfigurationOf<RunConfig>(context.Cell);
        return RunDirectory.VerifyFinished(context.Folder) ?? RunDirectory.StoredConfigProblem(context.Folder, config, out _)
            ?? RunExecutor.ColumnsProblem(context.Folder, StepColumnNames(config));
    }

    /// <summary>The columns the experiment's runs of <paramref name="config"/> add to steps.csv after the fixed ones (those of its <see cref="RunHooks.Columns"/>).</summary>
    protected virtual IReadOnlyList<string> StepColumnNames(RunConfig config) => Array.Empty<string>();

    /// <inheritdoc />
    public void Merge(CellPlan plan, string directory, CancellationToken cancellationToken)
    {
        var configs = plan.Cells.Select(CellPlan.ConfigurationOf<RunConfig>).ToList();
        using var data = StudyData.Load(configs[0].Data);
        var results = new List<TResult>();
        for (int i = 0; i < configs.Count; i++)
        {
            // Execute reads a finished run back (CellSweep.Merge has checked it is whole).
            results.Add(Execute(plan, configs[i], data, CellPlan.CellFolder(directory, plan.Cells[i]), _ => { }, cancellationToken));
        }
        Report(plan, directory, data, results);
    }

    /// <summary>
    /// Runs <paramref name="config"/> in <paramref name="folder"/> through <see cref="RunExecutor.Run"/> with resume on:
    /// trains it, continues it from its checkpoint, or reads it back when finished, and returns what the report needs.
    /// </summary>
    protected abstract TResult Execute(CellPlan plan, RunConfig config, StudyData data, string folder, Action<int> progress, CancellationToken cancellationToken);

    /// <summary>One line about a finished run, for the log.</summary>
    protected abstract string Describe(TResult result);

    /// <summary>Writes the report from every cell's result, in index order.</summary>
    protected abstract void Report(CellPlan plan, string directory, StudyData data, IReadOnlyList<TResult> results);
}
