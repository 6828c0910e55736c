using Microsoft.Data.Analysis;

namespace Catapults.ML.Training;

/// <summary>
/// The one loss recorder: an observer that keeps every step's rate and losses (<see cref="LoggedStep"/>), across any
/// number of runs of one trainer. Cheap (no tensor is kept), so it can log every step of long runs.
/// </summary>
public sealed class StepLog : ITrainingObserver
{
    private readonly List<LoggedStep> _steps;

    /// <summary>Creates an empty log; <paramref name="expectedSteps"/> only sizes its list.</summary>
    public StepLog(int expectedSteps = 0) => _steps = new List<LoggedStep>(Math.Max(0, expectedSteps));

    /// <summary>The logged steps, in order.</summary>
    public IReadOnlyList<LoggedStep> Steps => _steps;

    /// <inheritdoc />
    public void OnStepCompleted(StepRecord record, TrainingContext context) =>
        _steps.Add(new LoggedStep(record.Step, record.Epoch, record.LearningRate, record.BatchLoss, record.BatchIndices.Count, record.FullTrainingLoss));

    /// <summary>The log as a DataFrame: Step, Epoch, LearningRate, BatchLoss, BatchSize, FullTrainingLoss (null where not computed).</summary>
    public DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("Step", _steps.Select(s => (int?)s.Step)),
        new Int32DataFrameColumn("Epoch", _steps.Select(s => (int?)s.Epoch)),
        new DoubleDataFrameColumn("LearningRate", _steps.Select(s => (double?)s.LearningRate)),
        new DoubleDataFrameColumn("BatchLoss", _steps.Select(s => (double?)s.BatchLoss)),
        new Int32DataFrameColumn("BatchSize", _steps.Select(s => (int?)s.BatchSize)),
        new DoubleDataFrameColumn("FullTrainingLoss", _steps.Select(s => s.FullTrainingLoss)));
}
