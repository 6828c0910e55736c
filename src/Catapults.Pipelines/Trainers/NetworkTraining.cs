using Catapults.ML.Data;
using Catapults.ML.Diagnostics;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;
using Catapults.ML.Probes;

namespace Catapults.Pipelines.Trainers;

/// <summary>What a task contributes to training: its head, loss and label encoding.</summary>
internal sealed record TaskSetup(PredictionHead Head, LossKind Loss, TargetEncoding Encoding, int ClassCount, string LossDescription);

/// <summary>The training run shared by the three trainers: data → tensors → engine trainer → model and report.</summary>
internal static class NetworkTraining
{
    public static (TorchNetworkModelParameters Model, TrainingReport Report) Run(IDataView input, TorchNetworkTrainerOptions options,
        DataViewSchema.Column features, int dimension, DataViewSchema.Column label, TaskSetup task)
    {
        var device = TorchRuntime.Configure(new RuntimeOptions { Threads = options.Threads, Device = options.Device });

        var data = TrainingDataReader.Read(input, features, dimension, label, task.Encoding, task.ClassCount, "training data");
        try
        {
            if (device.type != DeviceType.CPU)
            {
                var moved = data.To(device);
                data.Dispose();
                data = moved;
            }
            var network = new FullyConnectedNetwork(options.ToNetworkOptions(dimension, task.Head.OutputCount));
            try
            {
                if (device.type != DeviceType.CPU) network.to(device);
                var recorder = new StepRecorder();
                var observers = new List<ITrainingObserver> { recorder };
                using var diagnostics = options.Diagnostics.Enabled
                    ? new DiagnosticsProbe(options.Diagnostics.ToObserverOptions(options.Seed))
                    : null;
                if (diagnostics is not null) observers.Add(diagnostics);
                observers.AddRange(options.Observers);
                var trainingOptions = options.ToTrainingOptions(task.Loss);
                var result = Trainer.Train(network, data, trainingOptions, observers);
                var info = new TrainingModelInfo(network.Describe(), network.TrainableParameterCount(), data.Count, dimension, task.LossDescription);
                var report = new TrainingReport(result, recorder.Steps, info);
                if (diagnostics is not null)
                {
                    report.AddTable(TrainingReport.DiagnosticsTableName, diagnostics.ToDataFrame());
                    report.AddTable(TrainingReport.CatapultEventsTableName, diagnostics.EventsToDataFrame());
                    report.AddTable(TrainingReport.CriticalRatesTableName, diagnostics.CriticalRatesToDataFrame());
                }
                if (result.Diverged && options.ThrowOnDivergence)
                {
                    double rate = trainingOptions.EffectiveSchedule().LearningRateAt(result.Divergence?.Step ?? 0);
                    throw new TrainingDivergedException(report, rate);
                }
                return (new TorchNetworkModelParameters(network, device), report);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
        finally
        {
            data.Dispose();
        }
    }

    /// <summary>Keeps a light record of every step (no batch indices).</summary>
    private sealed class StepRecorder : ITrainingObserver
    {
        public List<TrainingStepRecord> Steps { get; } = new();

        public void OnStepCompleted(StepRecord record, TrainingContext context) =>
            Steps.Add(new TrainingStepRecord(record.Step, record.Epoch, record.LearningRate, record.BatchLoss,
                record.BatchIndices.Count, record.FullTrainingLoss));
    }
}

/// <summary>Output-schema propagation for the estimators (<see cref="IEstimator{TTransformer}.GetOutputSchema"/>).</summary>
/// <remarks>
/// ML.NET gives an outside assembly no public way to make a new <see cref="SchemaShape.Column"/> (its constructor and
/// <c>SchemaShape.Create(DataViewSchema)</c> are internal). The estimators describe their output columns as a real
/// <see cref="DataViewSchema"/> and turn it into a shape through <c>SchemaShape.Create</c>, found by reflection, so
/// the shapes match exactly what ML.NET derives from the transformer's output schema.
/// </remarks>
internal static class OutputShapes
{
    private static readonly System.Reflection.MethodInfo? CreateShape = typeof(SchemaShape).GetMethod("Create",
        System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
        new[] { typeof(DataViewSchema) });

    /// <summary>The shape ML.NET derives from <paramref name="schema"/>.</summary>
    public static SchemaShape FromSchema(DataViewSchema schema)
    {
        if (CreateShape is null)
            throw new NotSupportedException(
                "This version of Microsoft.ML has no SchemaShape.Create(DataViewSchema); the network estimators were built against Microsoft.ML 5.0.1.");
        return (SchemaShape)CreateShape.Invoke(null, new object[] { schema })!;
    }

    /// <summary>The column of <paramref name="shape"/> named <paramref name="name"/>, if any.</summary>
    public static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        column = default;
        return false;
    }

    /// <summary>The input shape with the head's columns added (replacing input columns of the same name in place).</summary>
    public static SchemaShape Append(SchemaShape input, PredictionHead head)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in head.Columns) builder.AddColumn(column.Name, column.Type, column.Annotations);
        var added = FromSchema(builder.ToSchema());
        var result = input.ToList();
        foreach (var column in added)
        {
            int existing = result.FindIndex(c => c.Name == column.Name);
            if (existing >= 0) result[existing] = column;
            else result.Add(column);
        }
        return new SchemaShape(result);
    }

    /// <summary>The key values a multiclass label shape promises, as a placeholder set of the right item type.</summary>
    public static KeyValueSet? KeyValuesOf(SchemaShape.Column label, int count) =>
        TryFind(label.Annotations, KeyValueSet.KeyValuesKind, out var values) && values.Kind == SchemaShape.Column.VectorKind.Vector
            ? KeyValueSet.Placeholder(values.ItemType, count)
            : null;
}
