using Catapults.ML.Training;
using Microsoft.Data.Analysis;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// What happened while a network transformer was trained: how the run ended, one record per step, facts about the
/// model, and further named tables. Every part is available as a <see cref="DataFrame"/>, and the whole report is
/// saved with the model.
/// </summary>
/// <remarks>
/// <see cref="Tables"/> is the extension point of the report: a table added there (for example the diagnostics
/// observer's NTK-spectrum records or the detected catapult events) is saved and loaded with the model without any
/// change to the file format. The names <c>"steps"</c> and <c>"summary"</c> are reserved.
/// </remarks>
public sealed class TrainingReport
{
    /// <summary>Name of the steps table in saved models and in <see cref="AllTables"/>.</summary>
    public const string StepsTableName = "steps";

    /// <summary>Name of the one-row summary table in <see cref="AllTables"/>.</summary>
    public const string SummaryTableName = "summary";

    /// <summary>Name of the diagnostics table (one row per recorded step: losses, top NTK eigenvalues, η_crit).</summary>
    public const string DiagnosticsTableName = "diagnostics";

    /// <summary>Name of the catapult-events table (one row per detected catapult).</summary>
    public const string CatapultEventsTableName = "catapult-events";

    /// <summary>Name of the critical-rates table (one row per batch η_crit computed).</summary>
    public const string CriticalRatesTableName = "critical-rates";

    private readonly Dictionary<string, DataFrame> _tables;

    /// <summary>Creates a report.</summary>
    public TrainingReport(TrainingResult result, IReadOnlyList<LoggedStep> steps, TrainingModelInfo model,
        IReadOnlyDictionary<string, DataFrame>? tables = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(model);
        Result = result;
        Steps = steps;
        Model = model;
        _tables = new Dictionary<string, DataFrame>(StringComparer.Ordinal);
        if (tables is not null)
            foreach (var (name, table) in tables) AddTable(name, table);
    }

    /// <summary>How the run ended: outcome, steps, epochs, final training loss, divergence and wall time.</summary>
    public TrainingResult Result { get; }

    /// <summary>One record per optimiser step, in order.</summary>
    public IReadOnlyList<LoggedStep> Steps { get; }

    /// <summary>Facts about the trained model.</summary>
    public TrainingModelInfo Model { get; }

    /// <summary>Further named tables (diagnostics, events, anything an observer recorded); empty by default.</summary>
    public IReadOnlyDictionary<string, DataFrame> Tables => _tables;

    /// <summary>
    /// The diagnostics records (columns of <c>Catapults.ML.Diagnostics.DiagnosticsFrames.Records</c>: Step, Epoch,
    /// IsFinal, LearningRate, BatchLoss, FullTrainingLoss, ProbeLoss, Lambda1..k, …, CriticalLearningRate), or null when
    /// the model was trained without diagnostics (<see cref="TrainingDiagnosticsOptions.Enabled"/> false).
    /// </summary>
    public DataFrame? Diagnostics => _tables.GetValueOrDefault(DiagnosticsTableName);

    /// <summary>
    /// The detected catapults, one row each (StartStep, PeakStep, EndStep, StartLoss, PeakLoss, EndLoss, PeakRatio,
    /// SharpnessBefore, SharpnessAfter, Clear), or null without diagnostics.
    /// </summary>
    public DataFrame? CatapultEvents => _tables.GetValueOrDefault(CatapultEventsTableName);

    /// <summary>The batch critical learning rates (Step, LearningRate, CriticalLearningRate, Sharpness, BatchSize, Seconds), or null without diagnostics.</summary>
    public DataFrame? CriticalRates => _tables.GetValueOrDefault(CriticalRatesTableName);

    /// <summary>
    /// Number of catapults detected in training; null when they were not measured: trained without diagnostics, with
    /// <see cref="TrainingDiagnosticsOptions.DetectCatapults"/> off, or without a spectrum (<see cref="TrainingDiagnosticsOptions.TopEigenvalueCount"/> 0).
    /// </summary>
    public int? CatapultCount => CatapultEvents is { } events ? (int)events.Rows.Count : null;

    /// <summary>
    /// The catapults whose λ_max drop stands out from λ_max's drift between spikes (the events' Clear column,
    /// <c>Catapults.ML.Diagnostics.SharpnessDrift</c>); null without diagnostics, or for a report saved before the column existed.
    /// </summary>
    public int? ClearCatapultCount => CatapultEvents is { } events && events.Columns.IndexOf("Clear") >= 0
        ? events.Columns["Clear"].Cast<bool?>().Count(c => c == true) : null;

    /// <summary>Removes a named table, if present.</summary>
    internal void RemoveTable(string name) => _tables.Remove(name);

    /// <summary>Adds or replaces a named table. Names must be non-empty and not <c>"steps"</c> or <c>"summary"</c>.</summary>
    public void AddTable(string name, DataFrame table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (TableNameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
        _tables[name] = table;
    }

    /// <summary>What is wrong with <paramref name="name"/> as the name of an added table, or null: blank, or reserved.</summary>
    internal static string? TableNameProblem(string name) =>
        string.IsNullOrWhiteSpace(name) ? "A table needs a name."
        : name is StepsTableName or SummaryTableName ? $"The table name '{name}' is reserved for the report's own tables."
        : null;

    /// <summary>
    /// The steps as a DataFrame: columns Step, Epoch (Int32), LearningRate, BatchLoss (Double), BatchSize (Int32) and
    /// FullTrainingLoss (Double, null where not computed).
    /// </summary>
    public DataFrame StepsToDataFrame()
    {
        int n = Steps.Count;
        var step = new Int32DataFrameColumn("Step", n);
        var epoch = new Int32DataFrameColumn("Epoch", n);
        var rate = new DoubleDataFrameColumn("LearningRate", n);
        var batchLoss = new DoubleDataFrameColumn("BatchLoss", n);
        var batchSize = new Int32DataFrameColumn("BatchSize", n);
        var fullLoss = new DoubleDataFrameColumn("FullTrainingLoss", n);
        for (int i = 0; i < n; i++)
        {
            var r = Steps[i];
            step[i] = r.Step;
            epoch[i] = r.Epoch;
            rate[i] = r.LearningRate;
            batchLoss[i] = r.BatchLoss;
            batchSize[i] = r.BatchSize;
            fullLoss[i] = r.FullTrainingLoss;
        }
        return new DataFrame(step, epoch, rate, batchLoss, batchSize, fullLoss);
    }

    /// <summary>
    /// A one-row summary: Outcome, Steps, Epochs, FinalTrainingLoss, DivergedAtStep, DivergenceReason, WallTimeSeconds,
    /// Model, ParameterCount, TrainingRowCount, FeatureCount and Loss. Summaries of several runs append into one table
    /// (<c>DataFrame.Append</c>) for a sweep.
    /// </summary>
    public DataFrame SummaryToDataFrame()
    {
        var r = Result;
        return new DataFrame(
            new StringDataFrameColumn("Outcome", new[] { r.Outcome.ToString() }),
            new Int32DataFrameColumn("Steps", new[] { r.Steps }),
            new Int32DataFrameColumn("Epochs", new[] { r.Epochs }),
            new DoubleDataFrameColumn("FinalTrainingLoss", new double?[] { r.FinalTrainingLoss }),
            new Int32DataFrameColumn("DivergedAtStep", new int?[] { r.Divergence?.Step }),
            new StringDataFrameColumn("DivergenceReason", new[] { r.Divergence?.Reason }),
            new DoubleDataFrameColumn("WallTimeSeconds", new[] { r.WallTime.TotalSeconds }),
            new StringDataFrameColumn("Model", new[] { Model.ModelDescription }),
            new Int64DataFrameColumn("ParameterCount", new[] { Model.ParameterCount }),
            new Int32DataFrameColumn("TrainingRowCount", new[] { Model.TrainingRowCount }),
            new Int32DataFrameColumn("FeatureCount", new[] { Model.FeatureCount }),
            new StringDataFrameColumn("Loss", new[] { Model.Loss }));
    }

    /// <summary>Every table of the report by name: <c>"summary"</c>, <c>"steps"</c> and the entries of <see cref="Tables"/>.</summary>
    public IReadOnlyDictionary<string, DataFrame> AllTables()
    {
        var all = new Dictionary<string, DataFrame>(StringComparer.Ordinal)
        {
            [SummaryTableName] = SummaryToDataFrame(),
            [StepsTableName] = StepsToDataFrame(),
        };
        foreach (var (name, table) in _tables) all[name] = table;
        return all;
    }

    /// <summary>A one-line account of the run.</summary>
    public override string ToString() =>
        $"{Result.Outcome} after {Count(Result.Steps, "step")} ({Count(Result.Epochs, "epoch")}), final training loss " +
        $"{(Result.FinalTrainingLoss is double l ? l.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "n/a")}; {Model.ModelDescription}";

    private static string Count(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
