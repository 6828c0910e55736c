using Catapults.ML.Features;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Catalog;

/// <summary>
/// Adds the AGOP feature transformer to ML.NET's transforms catalog: <c>mlContext.Transforms.AgopFeatures(...)</c>.
/// </summary>
/// <remarks>Models that contain it are saved with <c>mlContext.Model.SaveCatapultsModel</c>, not <c>mlContext.Model.Save</c>.</remarks>
public static class AgopFeaturesCatalog
{
    /// <summary>
    /// AGOP features from a trained network transformer: fits G of <paramref name="network"/> over the input column and
    /// adds <paramref name="outputColumnName"/> = (G / tr G)^½ x (trace-normalised, so that its scale does not depend on
    /// the network's; <see cref="AgopFeatureMapOptions.NormalizeTrace"/> = false in <see cref="AgopFeatureEstimator.Options.Map"/> gives G^½ x), or, with
    /// <paramref name="rank"/> given, the top-<paramref name="rank"/> projection V_rᵀ x.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="network">A network trained by this library (read only; not disposed).</param>
    /// <param name="outputColumnName">The new column.</param>
    /// <param name="inputColumnName">The column G is computed over and the map reads; null for the network's feature column.</param>
    /// <param name="rank">Null for (G / tr G)^½ x (d features); r for the top-r projection (r features).</param>
    public static AgopFeatureEstimator AgopFeatures(this TransformsCatalog catalog, TorchNetworkPredictionTransformer network,
        string outputColumnName = AgopFeatureEstimator.Options.DefaultOutputColumnName, string? inputColumnName = null, int? rank = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(network);
        var options = Common(outputColumnName, inputColumnName ?? network.FeatureColumnName, rank);
        options.Network = network;
        return new AgopFeatureEstimator(options);
    }

    /// <summary>
    /// AGOP features from a network the estimator trains itself: <paramref name="trainer"/> is fitted on the data
    /// (with its own label and feature columns), G of its network is computed over the input column, and the network is
    /// then disposed. Use it to put the whole "train a network, learn its features, hand them on" step in one pipeline.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="trainer">A network trainer (e.g. <c>mlContext.Regression.Trainers.TorchNetwork(...)</c>).</param>
    /// <param name="outputColumnName">The new column.</param>
    /// <param name="inputColumnName">The column G is computed over and the map reads (the trainer's feature column).</param>
    /// <param name="rank">Null for (G / tr G)^½ x (d features); r for the top-r projection (r features).</param>
    public static AgopFeatureEstimator AgopFeatures(this TransformsCatalog catalog, IEstimator<TorchNetworkPredictionTransformer> trainer,
        string outputColumnName = AgopFeatureEstimator.Options.DefaultOutputColumnName, string inputColumnName = AgopFeatureEstimator.Options.DefaultInputColumnName, int? rank = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(trainer);
        var options = Common(outputColumnName, inputColumnName, rank);
        options.Trainer = trainer;
        return new AgopFeatureEstimator(options);
    }

    /// <summary>AGOP features with every option (<see cref="AgopFeatureEstimator.Options"/>).</summary>
    public static AgopFeatureEstimator AgopFeatures(this TransformsCatalog catalog, AgopFeatureEstimator.Options options) =>
        new AgopFeatureEstimator(options);

    private static AgopFeatureEstimator.Options Common(string output, string input, int? rank)
    {
        var options = new AgopFeatureEstimator.Options { OutputColumnName = output, InputColumnName = input };
        if (rank is { } r)
        {
            options.Map.Kind = AgopFeatureMapKind.TopEigenvectors;
            options.Map.Rank = r;
        }
        return options;
    }
}
