using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Catalog;

/// <summary>
/// Adds the TorchSharp network trainers to ML.NET's trainer catalogs:
/// <c>mlContext.Regression.Trainers.TorchNetwork(...)</c>, <c>mlContext.BinaryClassification.Trainers.TorchNetwork(...)</c>
/// and <c>mlContext.MulticlassClassification.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// The fitted transformers (and chains holding them) are saved with <c>mlContext.Model.SaveCatapultsModel</c>, not
/// <c>mlContext.Model.Save</c>, which cannot hold transformers from other assemblies (see <see cref="ModelOperationsCatalogExtensions"/>).
/// </remarks>
public static class TorchNetworkCatalog
{
    /// <summary>
    /// A fully connected network trained with SGD on the squared loss, predicting <c>Score</c>.
    /// </summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="hiddenWidths">Hidden-layer widths; null for the default, one layer of <see cref="TorchNetworkDefaults.HiddenWidth"/> (256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkRegressionTrainer TorchNetwork(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int[]? hiddenWidths = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new TorchNetworkRegressionTrainer.Options();
        Apply(options, labelColumnName, featureColumnName, hiddenWidths, learningRate, batchSize, numberOfEpochs, seed);
        return new TorchNetworkRegressionTrainer(options);
    }

    /// <summary>A fully connected network for regression, with every option (<see cref="TorchNetworkRegressionTrainer.Options"/>).</summary>
    public static TorchNetworkRegressionTrainer TorchNetwork(this RegressionCatalog.RegressionTrainers catalog, TorchNetworkRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TorchNetworkRegressionTrainer(options);
    }

    /// <summary>
    /// A fully connected network for binary classification (Boolean label), predicting <c>Score</c>,
    /// <c>Probability</c> and <c>PredictedLabel</c>; the loss is MSE on ±1 targets (see <see cref="ClassificationLoss"/>).
    /// </summary>
    /// <param name="catalog">The binary classification trainer catalog.</param>
    /// <param name="labelColumnName">The label column (Boolean).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="hiddenWidths">Hidden-layer widths; null for the default, one layer of <see cref="TorchNetworkDefaults.HiddenWidth"/> (256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkBinaryTrainer TorchNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int[]? hiddenWidths = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new TorchNetworkBinaryTrainer.Options();
        Apply(options, labelColumnName, featureColumnName, hiddenWidths, learningRate, batchSize, numberOfEpochs, seed);
        return new TorchNetworkBinaryTrainer(options);
    }

    /// <summary>A fully connected network for binary classification, with every option (<see cref="TorchNetworkBinaryTrainer.Options"/>).</summary>
    public static TorchNetworkBinaryTrainer TorchNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, TorchNetworkBinaryTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TorchNetworkBinaryTrainer(options);
    }

    /// <summary>
    /// A fully connected network with one output per class (key label), predicting <c>Score</c> and
    /// <c>PredictedLabel</c>; the loss is MSE on one-hot targets (see <see cref="ClassificationLoss"/>).
    /// </summary>
    /// <param name="catalog">The multiclass classification trainer catalog.</param>
    /// <param name="labelColumnName">The label column (a key; use <c>MapValueToKey</c>).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="hiddenWidths">Hidden-layer widths; null for the default, one layer of <see cref="TorchNetworkDefaults.HiddenWidth"/> (256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkMulticlassTrainer TorchNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int[]? hiddenWidths = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new TorchNetworkMulticlassTrainer.Options();
        Apply(options, labelColumnName, featureColumnName, hiddenWidths, learningRate, batchSize, numberOfEpochs, seed);
        return new TorchNetworkMulticlassTrainer(options);
    }

    /// <summary>A fully connected network for multiclass classification, with every option (<see cref="TorchNetworkMulticlassTrainer.Options"/>).</summary>
    public static TorchNetworkMulticlassTrainer TorchNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TorchNetworkMulticlassTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TorchNetworkMulticlassTrainer(options);
    }

    private static void Apply(TorchNetworkTrainerOptions options, string label, string features, int[]? hiddenWidths,
        double learningRate, int? batchSize, int numberOfEpochs, long seed)
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        if (hiddenWidths is not null) options.HiddenWidths = hiddenWidths;
        options.LearningRate = learningRate;
        options.BatchSize = batchSize;
        options.NumberOfEpochs = numberOfEpochs;
        options.Seed = seed;
    }
}
