using Microsoft.Data.Analysis;

using Catapults.ML.Diagnostics;

namespace Catapults.ML.Probes;

/// <summary>Diagnostics as Microsoft.Data.Analysis DataFrames (one row per record or event; missing values are nulls).</summary>
public static class DiagnosticsFrames
{
    /// <summary>
    /// Columns: Step, Epoch, IsFinal, LearningRate, BatchLoss, FullTrainingLoss, ProbeLoss, Lambda1..Lambdak,
    /// EigenResidual, EigenProducts, ProjectedLoss1..k, OrthogonalLoss1..k, CriticalLearningRate, BatchSharpness,
    /// Seconds; k is the largest number of eigenvalues in any record.
    /// </summary>
    public static DataFrame Records(IReadOnlyList<DiagnosticsRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int k = NumberedColumns.Widest(records, r => r.Eigenvalues);
        int s = NumberedColumns.Widest(records, r => r.ProjectedLosses);
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("Step", records.Select(r => (int?)r.Step)),
            new Int32DataFrameColumn("Epoch", records.Select(r => (int?)r.Epoch)),
            new BooleanDataFrameColumn("IsFinal", records.Select(r => (bool?)r.IsFinal)),
            new DoubleDataFrameColumn("LearningRate", records.Select(r => (double?)r.LearningRate)),
            new DoubleDataFrameColumn("BatchLoss", records.Select(r => r.BatchLoss)),
            new DoubleDataFrameColumn("FullTrainingLoss", records.Select(r => r.FullTrainingLoss)),
            new DoubleDataFrameColumn("ProbeLoss", records.Select(r => r.ProbeLoss)),
        };
        columns.AddRange(NumberedColumns.Of("Lambda", k, records, r => r.Eigenvalues));
        columns.Add(new DoubleDataFrameColumn("EigenResidual", records.Select(r => r.EigenResidual)));
        columns.Add(new Int32DataFrameColumn("EigenProducts", records.Select(r => (int?)r.EigenProducts)));
        columns.AddRange(NumberedColumns.Of("ProjectedLoss", s, records, r => r.ProjectedLosses));
        columns.AddRange(NumberedColumns.Of("OrthogonalLoss", s, records, r => r.OrthogonalLosses));
        columns.Add(new DoubleDataFrameColumn("CriticalLearningRate", records.Select(r => r.CriticalLearningRate)));
        columns.Add(new DoubleDataFrameColumn("BatchSharpness", records.Select(r => r.BatchSharpness)));
        columns.Add(new DoubleDataFrameColumn("Seconds", records.Select(r => (double?)r.Seconds)));
        return new DataFrame(columns);
    }

    /// <summary>
    /// Columns: StartStep, PeakStep, EndStep, StartLoss, PeakLoss, EndLoss, PeakRatio, SharpnessBefore, SharpnessAfter,
    /// and Clear: <paramref name="clear"/>'s answer for the event, whether its λ_max drop stands out from the run's
    /// drift (<see cref="SharpnessDrift"/>), null where it could not be judged or no <paramref name="clear"/> is given.
    /// </summary>
    public static DataFrame Events(IReadOnlyList<CatapultEvent> events, Func<CatapultEvent, bool?>? clear = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new DataFrame(
            new Int32DataFrameColumn("StartStep", events.Select(e => (int?)e.StartStep)),
            new Int32DataFrameColumn("PeakStep", events.Select(e => (int?)e.PeakStep)),
            new Int32DataFrameColumn("EndStep", events.Select(e => (int?)e.EndStep)),
            new DoubleDataFrameColumn("StartLoss", events.Select(e => (double?)e.StartLoss)),
            new DoubleDataFrameColumn("PeakLoss", events.Select(e => (double?)e.PeakLoss)),
            new DoubleDataFrameColumn("EndLoss", events.Select(e => (double?)e.EndLoss)),
            new DoubleDataFrameColumn("PeakRatio", events.Select(e => (double?)e.PeakRatio)),
            new DoubleDataFrameColumn("SharpnessBefore", events.Select(e => e.SharpnessBefore)),
            new DoubleDataFrameColumn("SharpnessAfter", events.Select(e => e.SharpnessAfter)),
            new BooleanDataFrameColumn("Clear", events.Select(e => clear?.Invoke(e))));
    }

    /// <summary>Columns: Step, LearningRate, CriticalLearningRate, Sharpness, BatchSize, Seconds.</summary>
    public static DataFrame CriticalRates(IReadOnlyList<CriticalRateRecord> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        return new DataFrame(
            new Int32DataFrameColumn("Step", rates.Select(r => (int?)r.Step)),
            new DoubleDataFrameColumn("LearningRate", rates.Select(r => (double?)r.LearningRate)),
            new DoubleDataFrameColumn("CriticalLearningRate", rates.Select(r => (double?)r.Value)),
            new DoubleDataFrameColumn("Sharpness", rates.Select(r => (double?)r.Sharpness)),
            new Int32DataFrameColumn("BatchSize", rates.Select(r => (int?)r.BatchSize)),
            new DoubleDataFrameColumn("Seconds", rates.Select(r => (double?)r.Seconds)));
    }
}
