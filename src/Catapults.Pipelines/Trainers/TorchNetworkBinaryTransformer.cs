using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// A trained binary classifier; adds <c>Score</c>, <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean).
/// How they follow from the network's outputs depends on the loss (<see cref="ClassificationLoss"/>). Produced by
/// <see cref="TorchNetworkBinaryTrainer"/>.
/// </summary>
public sealed class TorchNetworkBinaryTransformer : TorchNetworkPredictionTransformer
{
    internal TorchNetworkBinaryTransformer(TorchNetworkModelParameters model, TorchNetworkBinaryTrainer.Options options, TrainingReport report)
        : base(model, options, report, new BinaryHead(options.Loss))
    {
        Options = options;
    }

    /// <summary>The options the network was trained with.</summary>
    public TorchNetworkBinaryTrainer.Options Options { get; }

    /// <summary>The loss the network was trained with.</summary>
    public ClassificationLoss Loss => Options.Loss;

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(string)"/>.</summary>
    public static TorchNetworkBinaryTransformer Load(string path) => CatapultsModelArchive.LoadTransformer<TorchNetworkBinaryTransformer>(path);

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(Stream)"/>.</summary>
    public static TorchNetworkBinaryTransformer Load(Stream stream) => CatapultsModelArchive.LoadTransformer<TorchNetworkBinaryTransformer>(stream);
}
