using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// A trained regression network; adds <c>Score</c> (Single) = f(x). Produced by <see cref="TorchNetworkRegressionTrainer"/>.
/// </summary>
public sealed class TorchNetworkRegressionTransformer : TorchNetworkPredictionTransformer
{
    internal TorchNetworkRegressionTransformer(TorchNetworkModelParameters model, TorchNetworkRegressionTrainer.Options options, TrainingReport report)
        : base(model, options, report, new RegressionHead())
    {
        Options = options;
    }

    /// <summary>The options the network was trained with.</summary>
    public TorchNetworkRegressionTrainer.Options Options { get; }

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(string)"/>.</summary>
    public static TorchNetworkRegressionTransformer Load(string path) => CatapultsModelArchive.LoadTransformer<TorchNetworkRegressionTransformer>(path);

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(Stream)"/>.</summary>
    public static TorchNetworkRegressionTransformer Load(Stream stream) => CatapultsModelArchive.LoadTransformer<TorchNetworkRegressionTransformer>(stream);
}
