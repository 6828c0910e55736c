using Catapults.ML.Features;
using Catapults.Pipelines.Evaluation;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Catalog;

/// <summary>
/// Evaluators that add feature-learning measurements to ML.NET's own metrics:
/// <c>mlContext.Regression.EvaluateWithAlignment(...)</c>, <c>mlContext.BinaryClassification.EvaluateWithAlignment(...)</c>
/// and <c>mlContext.MulticlassClassification.EvaluateWithAlignment(...)</c>.
/// </summary>
/// <remarks>
/// Each scores <c>data</c> with <c>model</c> (a network transformer, or a chain whose last network transformer is
/// evaluated: the chain is applied up to and including that network, so that the metrics and the alignment are the
/// same predictor's; stages after it, such as a learner on its AGOP features, are evaluated with ML.NET's own
/// <c>Evaluate</c>), takes the metrics from ML.NET's evaluator for the task, computes the network's AGOP G over the network's
/// feature column of the scored rows (the pixels, for an image network) and its cosine alignment with the reference G*
/// (README, Conventions), and reads the number of catapults from the network's training report. The reference is a
/// <see cref="ReferenceAgop"/>: <see cref="ReferenceAgop.OfTarget"/> for a known target, <see cref="ReferenceAgop.OfModel"/>
/// for a reference network (for real data, e.g. one trained longer or wider: <c>ReferenceAgop.OfModel(reference.Model.Network)</c>),
/// or <see cref="ReferenceAgop.OfMatrix"/>.
/// </remarks>
public static class AlignmentEvaluationCatalog
{
    /// <summary>
    /// The default cap on the rows the AGOPs are computed over: 4096 (each costs a backward pass per batch of
    /// <see cref="AgopOptions.DefaultBatchSize"/> rows).
    /// </summary>
    public const int DefaultMaximumAgopRows = 4096;

    /// <summary>ML.NET's regression metrics plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The regression catalog.</param>
    /// <param name="model">A fitted model holding a regression network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored: the model scores them).</param>
    /// <param name="reference">The reference AGOP.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs (gradients cost a backward pass per batch); null for all; default <see cref="DefaultMaximumAgopRows"/>.</param>
    /// <param name="agopBatchSize">Rows per gradient batch; default <see cref="AgopOptions.DefaultBatchSize"/>.</param>
    public static AlignmentMetrics<RegressionMetrics> EvaluateWithAlignment(this RegressionCatalog catalog, ITransformer model, IDataView data,
        ReferenceAgop reference, string labelColumnName = "Label", int? maximumAgopRows = DefaultMaximumAgopRows, int agopBatchSize = AgopOptions.DefaultBatchSize) =>
        AlignmentMeasurement.Evaluate(model, data, reference, PredictionKind.Regression,
            scored => catalog.Evaluate(scored, labelColumnName), maximumAgopRows, agopBatchSize);

    /// <summary>ML.NET's binary metrics plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The binary classification catalog.</param>
    /// <param name="model">A fitted model holding a binary network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored).</param>
    /// <param name="reference">The reference AGOP.</param>
    /// <param name="labelColumnName">The label column (Boolean).</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs; null for all; default <see cref="DefaultMaximumAgopRows"/>.</param>
    /// <param name="agopBatchSize">Rows per gradient batch; default <see cref="AgopOptions.DefaultBatchSize"/>.</param>
    public static AlignmentMetrics<CalibratedBinaryClassificationMetrics> EvaluateWithAlignment(this BinaryClassificationCatalog catalog,
        ITransformer model, IDataView data, ReferenceAgop reference, string labelColumnName = "Label", int? maximumAgopRows = DefaultMaximumAgopRows,
        int agopBatchSize = AgopOptions.DefaultBatchSize) =>
        AlignmentMeasurement.Evaluate(model, data, reference, PredictionKind.BinaryClassification,
            scored => catalog.Evaluate(scored, labelColumnName), maximumAgopRows, agopBatchSize);

    /// <summary>ML.NET's multiclass metrics (with the confusion matrix) plus the AGOP alignment with <paramref name="reference"/> and the catapult count.</summary>
    /// <param name="catalog">The multiclass classification catalog.</param>
    /// <param name="model">A fitted model holding a multiclass network transformer.</param>
    /// <param name="data">Rows to evaluate on (unscored).</param>
    /// <param name="reference">The reference AGOP.</param>
    /// <param name="labelColumnName">The label column (a key).</param>
    /// <param name="maximumAgopRows">Use at most this many rows for the AGOPs; null for all; default <see cref="DefaultMaximumAgopRows"/>.</param>
    /// <param name="agopBatchSize">Rows per gradient batch; default <see cref="AgopOptions.DefaultBatchSize"/>.</param>
    public static AlignmentMetrics<MulticlassClassificationMetrics> EvaluateWithAlignment(this MulticlassClassificationCatalog catalog,
        ITransformer model, IDataView data, ReferenceAgop reference, string labelColumnName = "Label", int? maximumAgopRows = DefaultMaximumAgopRows,
        int agopBatchSize = AgopOptions.DefaultBatchSize) =>
        AlignmentMeasurement.Evaluate(model, data, reference, PredictionKind.MulticlassClassification,
            scored => catalog.Evaluate(scored, labelColumnName), maximumAgopRows, agopBatchSize);
}
