namespace Catapults.Pipelines.Evaluation;

/// <summary>
/// What every <c>EvaluateWithAlignment</c> result reports beside ML.NET's metrics of its task: the alignment of the
/// network's AGOP with a reference, and the catapults seen while the network was trained.
/// </summary>
public abstract class AlignmentMetrics
{
    private protected AlignmentMetrics(double alignment, int rows, int? catapults, string reference)
    {
        AgopAlignment = alignment;
        AgopRowCount = rows;
        CatapultCount = catapults;
        Reference = reference;
    }

    /// <summary>cos(G, G*) = ⟨G, G*⟩_F / (‖G‖_F ‖G*‖_F) of the network's AGOP over the evaluated rows with the reference's; in [0, 1].</summary>
    public double AgopAlignment { get; }

    /// <summary>Number of rows the AGOPs were computed over.</summary>
    public int AgopRowCount { get; }

    /// <summary>Number of catapults detected in training, or null when the network was trained without diagnostics.</summary>
    public int? CatapultCount { get; }

    /// <summary>The reference, in words.</summary>
    public string Reference { get; }
}

/// <summary>
/// ML.NET's regression metrics of a network model plus the alignment of its AGOP with a reference and the number of
/// catapults seen while it was trained (from <c>mlContext.Regression.EvaluateWithAlignment</c>).
/// </summary>
public sealed class RegressionAlignmentMetrics : AlignmentMetrics
{
    internal RegressionAlignmentMetrics(Microsoft.ML.Data.RegressionMetrics metrics, double alignment, int rows, int? catapults, string reference)
        : base(alignment, rows, catapults, reference)
    {
        MeanAbsoluteError = metrics.MeanAbsoluteError;
        MeanSquaredError = metrics.MeanSquaredError;
        RootMeanSquaredError = metrics.RootMeanSquaredError;
        LossFunction = metrics.LossFunction;
        RSquared = metrics.RSquared;
    }

    /// <summary>Mean absolute error, as ML.NET's evaluator computes it.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>Mean squared error 1/n Σ (f − y)², as ML.NET's evaluator computes it.</summary>
    public double MeanSquaredError { get; }

    /// <summary>Root mean squared error.</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>The mean of ML.NET's loss function (squared loss by default).</summary>
    public double LossFunction { get; }

    /// <summary>The coefficient of determination R².</summary>
    public double RSquared { get; }

}

/// <summary>
/// ML.NET's binary-classification metrics of a network model plus the alignment of its AGOP with a reference and the
/// number of catapults seen in training (from <c>mlContext.BinaryClassification.EvaluateWithAlignment</c>).
/// </summary>
public sealed class BinaryClassificationAlignmentMetrics : AlignmentMetrics
{
    internal BinaryClassificationAlignmentMetrics(Microsoft.ML.Data.CalibratedBinaryClassificationMetrics metrics, double alignment, int rows, int? catapults, string reference)
        : base(alignment, rows, catapults, reference)
    {
        Accuracy = metrics.Accuracy;
        AreaUnderRocCurve = metrics.AreaUnderRocCurve;
        AreaUnderPrecisionRecallCurve = metrics.AreaUnderPrecisionRecallCurve;
        F1Score = metrics.F1Score;
        PositivePrecision = metrics.PositivePrecision;
        PositiveRecall = metrics.PositiveRecall;
        LogLoss = metrics.LogLoss;
        LogLossReduction = metrics.LogLossReduction;
    }

    /// <summary>Fraction of rows classified correctly.</summary>
    public double Accuracy { get; }

    /// <summary>Fraction of rows classified wrongly, 1 − <see cref="Accuracy"/>.</summary>
    public double ErrorRate => 1 - Accuracy;

    /// <summary>Area under the ROC curve.</summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>Area under the precision-recall curve.</summary>
    public double AreaUnderPrecisionRecallCurve { get; }

    /// <summary>F1 score.</summary>
    public double F1Score { get; }

    /// <summary>Precision of the positive class.</summary>
    public double PositivePrecision { get; }

    /// <summary>Recall of the positive class.</summary>
    public double PositiveRecall { get; }

    /// <summary>Log-loss of the predicted probabilities.</summary>
    public double LogLoss { get; }

    /// <summary>Relative log-loss reduction over the prior.</summary>
    public double LogLossReduction { get; }

}

/// <summary>
/// ML.NET's multiclass metrics of a network model plus the alignment of its AGOP (summed over the class outputs) with a
/// reference and the number of catapults seen in training (from <c>mlContext.MulticlassClassification.EvaluateWithAlignment</c>).
/// </summary>
public sealed class MulticlassClassificationAlignmentMetrics : AlignmentMetrics
{
    internal MulticlassClassificationAlignmentMetrics(Microsoft.ML.Data.MulticlassClassificationMetrics metrics, double alignment, int rows, int? catapults, string reference)
        : base(alignment, rows, catapults, reference)
    {
        MicroAccuracy = metrics.MicroAccuracy;
        MacroAccuracy = metrics.MacroAccuracy;
        LogLoss = metrics.LogLoss;
        LogLossReduction = metrics.LogLossReduction;
        PerClassLogLoss = metrics.PerClassLogLoss.ToArray();
    }

    /// <summary>Fraction of rows classified correctly (micro-averaged accuracy).</summary>
    public double MicroAccuracy { get; }

    /// <summary>Accuracy averaged over classes.</summary>
    public double MacroAccuracy { get; }

    /// <summary>Fraction of rows classified wrongly, 1 − <see cref="MicroAccuracy"/>.</summary>
    public double ErrorRate => 1 - MicroAccuracy;

    /// <summary>Log-loss of the class scores.</summary>
    public double LogLoss { get; }

    /// <summary>Relative log-loss reduction over the prior.</summary>
    public double LogLossReduction { get; }

    /// <summary>Log-loss per class.</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

}
