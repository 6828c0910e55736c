using Catapults.ML.Features;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;
using TorchSharp;

namespace Catapults.Pipelines.Evaluation;

/// <summary>What the alignment evaluators share: find the network, score the data, measure cos(G, G*).</summary>
internal static class AlignmentMeasurement
{
    /// <summary>
    /// The last network transformer of <paramref name="model"/> (itself, or inside a chain) and the transformers of
    /// the chain up to and including it, in order.
    /// </summary>
    public static (TorchNetworkPredictionTransformer Network, IReadOnlyList<ITransformer> UpToNetwork) FindNetwork(ITransformer model, PredictionKind kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stages = model is TorchNetworkPredictionTransformer single ? new List<ITransformer> { single }
            : CatapultsModelArchive.IsChain(model) ? CatapultsModelArchive.Flatten(model, TransformerScope.Everything).Select(t => t.Transformer).ToList()
            : new List<ITransformer> { model };
        int last = stages.FindLastIndex(t => t is TorchNetworkPredictionTransformer);
        if (last < 0)
            throw new ArgumentException(
                $"The model ({model.GetType().Name}) holds no Catapults.NET network transformer, so there is no network AGOP to align; " +
                "evaluate a model whose last trainer is a TorchNetwork trainer.", nameof(model));
        var network = (TorchNetworkPredictionTransformer)stages[last];
        if (network.Kind != kind)
            throw new ArgumentException($"The model's network is a {network.Kind} network; this evaluator is for {kind}.", nameof(model));
        return (network, stages.Take(last + 1).ToList());
    }

    /// <summary>
    /// Scores <paramref name="data"/> with <paramref name="model"/> up to and including its last network, takes ML.NET's
    /// metrics of that scoring from <paramref name="evaluate"/> and adds the AGOP alignment of the network with
    /// <paramref name="reference"/> and its catapult count. Stages after the network (a learner on its AGOP features,
    /// a key-to-value map) are left out: with them, the metrics would be another predictor's beside the network's alignment.
    /// </summary>
    public static AlignmentMetrics<TMetrics> Evaluate<TMetrics>(ITransformer model, IDataView data, ReferenceAgop reference, PredictionKind kind,
        Func<IDataView, TMetrics> evaluate, int? maximumRows, int batchSize) where TMetrics : class
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(reference);
        var (network, upToNetwork) = FindNetwork(model, kind);
        var scored = upToNetwork.Aggregate(data, (view, stage) => stage.Transform(view));
        var metrics = evaluate(scored);
        var (alignment, rows) = Measure(scored, network, reference, maximumRows, batchSize);
        return new AlignmentMetrics<TMetrics>(metrics, alignment, rows, network.Report.CatapultCount, reference.Description);
    }

    /// <summary>cos(G, G*) of the network over (up to <paramref name="maximumRows"/>) rows of the scored view.</summary>
    private static (double Alignment, int Rows) Measure(IDataView scored, TorchNetworkPredictionTransformer network,
        ReferenceAgop reference, int? maximumRows, int batchSize)
    {
        if (maximumRows is < 1)
            throw new ArgumentException($"maximumAgopRows must be at least 1 (or null for every row), got {maximumRows}.", "maximumAgopRows");
        var column = scored.Schema.GetColumnOrNull(network.FeatureColumnName)
            ?? throw new ArgumentException($"The scored data has no column '{network.FeatureColumnName}' (the network's feature column).", nameof(scored));
        int d = network.Model.InputDimension;
        using var scope = torch.NewDisposeScope();
        var features = FeatureMatrixReader.Read(scored, column, d, maximumRows, "the AGOP alignment");
        if (network.Model.Device.type != DeviceType.CPU) features = features.to(network.Model.Device);
        var g = Agop.Compute(network.Model.Network, features, new AgopOptions { BatchSize = batchSize });
        var gStar = reference.Compute(features).to(g.device).to_type(g.dtype);
        return (AgopAlignment.Cosine(g, gStar), (int)features.shape[0]);
    }
}
