using Catapults.ML.Models;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;

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
    /// A network (fully connected by default; any architecture through <c>network</c>) trained with SGD on the squared loss, predicting <c>Score</c>.
    /// </summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="network">The network (any architecture); null for <see cref="TorchNetworkDefaults.Network"/> (<c>fcn-2</c>, width 256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkRegressionTrainer TorchNetwork(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", NetworkDescription? network = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0) =>
        new TorchNetworkRegressionTrainer(Simple(new TorchNetworkRegressionTrainer.Options(), labelColumnName, featureColumnName, network, learningRate, batchSize, numberOfEpochs, seed));

    /// <summary>A network for regression, with every option (<see cref="TorchNetworkRegressionTrainer.Options"/>).</summary>
    public static TorchNetworkRegressionTrainer TorchNetwork(this RegressionCatalog.RegressionTrainers catalog, TorchNetworkRegressionTrainer.Options options) =>
        new TorchNetworkRegressionTrainer(options);

    /// <summary>
    /// A network for binary classification (Boolean label), predicting <c>Score</c>,
    /// <c>Probability</c> and <c>PredictedLabel</c>; the loss is MSE on ±1 targets (see <see cref="ClassificationLoss"/>).
    /// </summary>
    /// <param name="catalog">The binary classification trainer catalog.</param>
    /// <param name="labelColumnName">The label column (Boolean).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="network">The network (any architecture); null for <see cref="TorchNetworkDefaults.Network"/> (<c>fcn-2</c>, width 256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkBinaryTrainer TorchNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", NetworkDescription? network = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0) =>
        new TorchNetworkBinaryTrainer(Simple(new TorchNetworkBinaryTrainer.Options(), labelColumnName, featureColumnName, network, learningRate, batchSize, numberOfEpochs, seed));

    /// <summary>A network for binary classification, with every option (<see cref="TorchNetworkBinaryTrainer.Options"/>).</summary>
    public static TorchNetworkBinaryTrainer TorchNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, TorchNetworkBinaryTrainer.Options options) =>
        new TorchNetworkBinaryTrainer(options);

    /// <summary>
    /// A network with one output per class (key label), predicting <c>Score</c> and
    /// <c>PredictedLabel</c>; the loss is MSE on one-hot targets (see <see cref="ClassificationLoss"/>).
    /// </summary>
    /// <param name="catalog">The multiclass classification trainer catalog.</param>
    /// <param name="labelColumnName">The label column (a key; use <c>MapValueToKey</c>).</param>
    /// <param name="featureColumnName">The feature column (a known-size vector of Single).</param>
    /// <param name="network">The network (any architecture); null for <see cref="TorchNetworkDefaults.Network"/> (<c>fcn-2</c>, width 256).</param>
    /// <param name="learningRate">The SGD learning rate; default <see cref="TorchNetworkDefaults.LearningRate"/> (0.5).</param>
    /// <param name="batchSize">The mini-batch size; null for full-batch gradient descent.</param>
    /// <param name="numberOfEpochs">Passes over the data; default <see cref="TorchNetworkDefaults.NumberOfEpochs"/> (60).</param>
    /// <param name="seed">Seed of the initialisation (and of the batch order).</param>
    public static TorchNetworkMulticlassTrainer TorchNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", NetworkDescription? network = null,
        double learningRate = TorchNetworkDefaults.LearningRate, int? batchSize = TorchNetworkDefaults.BatchSize,
        int numberOfEpochs = TorchNetworkDefaults.NumberOfEpochs, long seed = 0) =>
        new TorchNetworkMulticlassTrainer(Simple(new TorchNetworkMulticlassTrainer.Options(), labelColumnName, featureColumnName, network, learningRate, batchSize, numberOfEpochs, seed));

    /// <summary>A network for multiclass classification, with every option (<see cref="TorchNetworkMulticlassTrainer.Options"/>).</summary>
    public static TorchNetworkMulticlassTrainer TorchNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TorchNetworkMulticlassTrainer.Options options) =>
        new TorchNetworkMulticlassTrainer(options);

    // The simple overloads' arguments on top of the defaults; the seed seeds both the initialisation and the batch order.
    private static T Simple<T>(T options, string label, string features, NetworkDescription? network, double learningRate,
        int? batchSize, int numberOfEpochs, long seed) where T : TorchNetworkTrainerOptions
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.Network = network ?? TorchNetworkDefaults.Network;
        options.Training = TorchNetworkDefaults.Training with
        {
            LearningRate = learningRate, BatchSize = batchSize, MaxEpochs = numberOfEpochs, ShuffleSeed = seed,
        };
        options.Seed = seed;
        return options;
    }
}
