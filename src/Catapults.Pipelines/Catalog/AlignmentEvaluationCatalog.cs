using Catapults.Pipelines.Evaluation;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;

namespace Catapults.Pipelines.Catalog;

/// <summary>
/// Evaluators that add feature-learning measurements to ML.NET's own metrics:
/// <c>mlContext.Regression.EvaluateWithAlignment(...)</c>, <c>mlContext.BinaryClassification.EvaluateWithAlignment(...)</c>
/// and <c>mlContext.MulticlassClassification.EvaluateWithAlignment(...)</c>.
/// </summary>
/// <remarks>
/// Each scores <c>data</c> with <c>model</c> (a network transformer or a chain whose last network transformer is
/// evaluated), takes the usual metrics from ML.NET's evaluator for the task, computes the network's AGOP G over the
/// network's feature column of the scored rows and its cosine alignment with the reference G* (README, Conventions), and
/// reads the number of catapults from the network's training report.
/// </remarks>
public static class AlignmentEvaluationCatalog
{
    /// <summary>Regression metrics (MSE, RMSE, MAE, R²) plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The regression catalog.</param>
    /// <param name="model">A fitted model holding a regression network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored: the model scores them).</param>
    /// <param name="reference">The reference AGOP: <see cref="AgopReference.FromFunction"/>, <c>FromModel</c> or <see cref="AgopReference.FromMatrix"/>.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs (gradients cost a backward pass per batch); null for all.</param>
    /// <param name="agopBatchSize">Rows per gradient batch.</param>
    public static RegressionAlignmentMetrics EvaluateWithAlignment(this RegressionCatalog catalog, ITransformer model, IDataView data,
        AgopReference reference, string labelColumnName = "Label", int? maximumAgopRows = 4096, int agopBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var network = AlignmentMeasurement.FindNetwork(model, PredictionKind.Regression);
        var scored = model.Transform(data);
        var metrics = catalog.Evaluate(scored, labelColumnName);
        var (alignment, rows) = AlignmentMeasurement.Measure(scored, network, reference, maximumAgopRows, agopBatchSize);
        return new RegressionAlignmentMetrics(metrics, alignment, rows, network.Report.CatapultCount, reference.Description);
    }

    /// <summary>Binary metrics (accuracy, AUC, F1, log-loss) plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The binary classification catalog.</param>
    /// <param name="model">A fitted model holding a binary network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored).</param>
    /// <param name="reference">The reference AGOP.</param>
    /// <param name="labelColumnName">The label column (Boolean).</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs; null for all.</param>
    /// <param name="agopBatchSize">Rows per gradient batch.</param>
    public static BinaryClassificationAlignmentMetrics EvaluateWithAlignment(this BinaryClassificationCatalog catalog, ITransformer model,
        IDataView data, AgopReference reference, string labelColumnName = "Label", int? maximumAgopRows = 4096, int agopBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var network = AlignmentMeasurement.FindNetwork(model, PredictionKind.BinaryClassification);
        var scored = model.Transform(data);
        var metrics = catalog.Evaluate(scored, labelColumnName);
        var (alignment, rows) = AlignmentMeasurement.Measure(scored, network, reference, maximumAgopRows, agopBatchSize);
        return new BinaryClassificationAlignmentMetrics(metrics, alignment, rows, network.Report.CatapultCount, reference.Description);
    }

    /// <summary>Multiclass metrics (micro/macro accuracy, log-loss) plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The multiclass classification catalog.</param>
    /// <param name="model">A fitted model holding a multiclass network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored).</param>
    /// <param name="reference">The reference AGOP.</param>
    /// <param name="labelColumnName">The label column (a key).</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs; null for all.</param>
    /// <param name="agopBatchSize">Rows per gradient batch.</param>
    public static MulticlassClassificationAlignmentMetrics EvaluateWithAlignment(this MulticlassClassificationCatalog catalog, ITransformer model,
        IDataView data, AgopReference reference, string labelColumnName = "Label", int? maximumAgopRows = 4096, int agopBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var network = AlignmentMeasurement.FindNetwork(model, PredictionKind.MulticlassClassification);
        var scored = model.Transform(data);
        var metrics = catalog.Evaluate(scored, labelColumnName);
        var (alignment, rows) = AlignmentMeasurement.Measure(scored, network, reference, maximumAgopRows, agopBatchSize);
        return new MulticlassClassificationAlignmentMetrics(metrics, alignment, rows, network.Report.CatapultCount, reference.Description);
    }
}
