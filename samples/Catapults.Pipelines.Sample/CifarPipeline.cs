using Catapults.ML.Data.Images;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Data;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Sample;

/// <summary>
/// A CNN trained on a CIFAR-10 folder inside an ML.NET pipeline: <c>LoadCifar10</c> gives a key label and a
/// 3×32×32 feature vector whose image shape the trainer reads; the network is evaluated by ML.NET's multiclass
/// evaluator and by the alignment evaluator against the AGOP (with respect to the pixels) of a wider reference CNN
/// trained on the same images, as the paper does for real data where no true predictor exists.
/// </summary>
public static class CifarPipeline
{
    /// <summary>The sizes of one run; the defaults are the sample's, the test suite passes tiny ones.</summary>
    public sealed record Settings(int SamplesPerClass = 100, int Epochs = 10, int BatchSize = 16, int Width = 32, int ReferenceWidth = 64, int AgopRows = 256);

    /// <summary>What the run measured.</summary>
    public sealed record Result(MulticlassClassificationMetrics Metrics, double AgopAlignment, int? Catapults, string Report);

    /// <summary>Trains, evaluates and prints the run on the CIFAR-10 files under <paramref name="dataRoot"/> (<c>cifar-10-batches-bin/</c>).</summary>
    public static Result Run(string dataRoot, Settings settings, TextWriter output)
    {
        var ml = new MLContext(seed: 0);
        var options = new ImageDatasetOptions { Classes = [0, 1, 2], SamplesPerClass = settings.SamplesPerClass, Normalization = PixelNormalization.Standardize };
        var train = ml.Data.LoadCifar10(options, dataRoot);
        var test = ml.Data.LoadCifar10(new ImageDatasetOptions { Classes = [0, 1, 2], Normalization = PixelNormalization.Standardize, Split = DatasetSplit.Test, Statistics = train.Statistics }, dataRoot);

        TorchNetworkMulticlassTrainer Cnn(int width, int epochs, bool diagnostics) => ml.MulticlassClassification.Trainers.TorchNetwork(new TorchNetworkMulticlassTrainer.Options
        {
            Network = new NetworkDescription { Architecture = "cnn-3", Width = width },
            Training = TorchNetworkDefaults.Training with { LearningRate = 0.5, BatchSize = settings.BatchSize, MaxEpochs = epochs, ShuffleSeed = 1 },
            Seed = 1,
            Diagnostics = new TrainingDiagnosticsOptions { Enabled = diagnostics, Every = 5, ProbeSize = 32 },
        });

        // The pipeline: the CNN, then the predicted key back to the class name.
        var model = Cnn(settings.Width, settings.Epochs, diagnostics: true)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"))
            .Fit(train);
        using var reference = Cnn(settings.ReferenceWidth, 2 * settings.Epochs, diagnostics: false).Fit(train);

        var metrics = ml.MulticlassClassification.EvaluateWithAlignment(model, test, ReferenceAgop.OfModel(reference.Model.Network),
            maximumAgopRows: settings.AgopRows);
        var network = (TorchNetworkMulticlassTransformer)model.First();
        output.WriteLine($"CNN on CIFAR-10 (classes {string.Join(", ", train.ClassNames)}; {train.GetRowCount()} training images): " +
                         $"accuracy {metrics.Metrics.MicroAccuracy:F3}, log-loss {metrics.Metrics.LogLoss:F3}, " +
                         $"AGOP alignment with a wider CNN {metrics.AgopAlignment:F3}, catapults {metrics.CatapultCount}");
        output.WriteLine(metrics.Metrics.ConfusionMatrix.GetFormattedConfusionTable());
        output.WriteLine(network.Report);
        return new Result(metrics.Metrics, metrics.AgopAlignment, metrics.CatapultCount, network.Report.ToString());
    }
}
