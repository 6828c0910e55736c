using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// A trained multiclass classifier; adds <c>Score</c> (a vector of K class probabilities, slots named after the classes)
/// and <c>PredictedLabel</c> (a key with K values carrying the training label's key values). Produced by
/// <see cref="TorchNetworkMulticlassTrainer"/>.
/// </summary>
public sealed class TorchNetworkMulticlassTransformer : TorchNetworkPredictionTransformer
{
    internal TorchNetworkMulticlassTransformer(TorchNetworkModelParameters model, TorchNetworkMulticlassTrainer.Options options,
        TrainingReport report, MulticlassHead head)
        : base(model, options, report, head)
    {
        Options = options;
        KeyValues = head.KeyValues;
    }

    /// <summary>The options the network was trained with.</summary>
    public TorchNetworkMulticlassTrainer.Options Options { get; }

    /// <summary>The loss the network was trained with.</summary>
    public ClassificationLoss Loss => Options.Loss;

    /// <summary>Number of classes K (= network outputs).</summary>
    public int ClassCount => Model.OutputCount;

    /// <summary>The class names (the label's key values as text), or null when the label had no key values.</summary>
    public IReadOnlyList<string>? ClassNames => KeyValues?.ToNames();

    internal KeyValueSet? KeyValues { get; }

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(string)"/>.</summary>
    public static TorchNetworkMulticlassTransformer Load(string path) => CatapultsModelArchive.LoadTransformer<TorchNetworkMulticlassTransformer>(path);

    /// <summary>Loads a transformer saved by <see cref="TorchNetworkPredictionTransformer.Save(Stream)"/>.</summary>
    public static TorchNetworkMulticlassTransformer Load(Stream stream) => CatapultsModelArchive.LoadTransformer<TorchNetworkMulticlassTransformer>(stream);
}
