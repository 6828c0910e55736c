using System.Globalization;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;
using TorchSharp;
using Catapults.ML.Probes;

namespace Catapults.Pipelines.Trainers;

/// <summary>The training run shared by the three trainers: data → tensors → engine trainer → model and report.</summary>
internal static class NetworkTraining
{
    public static (TorchNetworkModelParameters Model, TrainingReport Report) Run(IDataView input, TorchNetworkTrainerOptions options,
        DataViewSchema.Column features, long[] inputShape, TaskSetup task)
    {
        int dimension = (int)inputShape.Aggregate(1L, (a, b) => a * b);
        var device = TorchRuntime.Configure(new RuntimeOptions { Threads = options.Threads, Device = options.Device });

        var data = TrainingDataReader.Read(input, features, dimension, task.Label, task.Encoding, task.ClassCount, "training data");
        try
        {
            if (device.type != DeviceType.CPU)
            {
                var moved = data.To(device);
                data.Dispose();
                data = moved;
            }
            // A network that cannot be trained in this memory is refused before it is built: the weights alone may fit,
            // and then the gradients, the optimiser's state or a batch's activations take the machine's memory. On an
            // accelerator those live in its own memory, which this budget does not measure; the weights are built on
            // the host first, and Build checks those.
            double bytes = device.type == DeviceType.CPU ? TrainingMemory.Bytes(options.Network, inputShape, task.Head.OutputCount, options.Training, data.Count) : 0;
            if (MemoryBudget.Shortfall(bytes, $"Training {options.Network.Describe()} on inputs [{string.Join(", ", inputShape)}] with {options.Training.Optimizer} " +
                    $"and batches of {options.Training.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? $"all {data.Count}"} (Network, Training.BatchSize)") is { } shortfall)
                throw new ArgumentException(shortfall, nameof(options));
            var network = options.Network.Build(inputShape, task.Head.OutputCount, options.Seed);
            try
            {
                if (device.type != DeviceType.CPU) network.to(device);
                var recorder = new StepLog();
                var observers = new List<ITrainingObserver> { recorder };
                using var diagnostics = options.Diagnostics.Enabled
                    ? new DiagnosticsProbe(options.Diagnostics.ToObserverOptions(options.Seed))
                    : null;
                if (diagnostics is not null) observers.Add(diagnostics);
                observers.AddRange(options.Observers);
                var trainingOptions = options.Training with { Loss = task.Loss };
                var result = Trainer.Train(network, data, trainingOptions, observers);
                var info = new TrainingModelInfo(network.Describe(), network.TrainableParameterCount(), data.Count, dimension, task.LossDescription);
                var report = new TrainingReport(result, recorder.Steps, info);
                if (diagnostics is not null)
                {
                    report.AddTable(TrainingReport.DiagnosticsTableName, diagnostics.ToDataFrame());
                    if (options.Diagnostics.CountsCatapults)
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
}

