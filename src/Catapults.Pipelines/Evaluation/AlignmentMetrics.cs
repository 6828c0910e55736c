namespace Catapults.Pipelines.Evaluation;

/// <summary>
/// What <c>EvaluateWithAlignment</c> returns: ML.NET's own metrics of the task (<see cref="Metrics"/>: a
/// <see cref="Microsoft.ML.Data.RegressionMetrics"/>, <see cref="Microsoft.ML.Data.CalibratedBinaryClassificationMetrics"/>
/// or <see cref="Microsoft.ML.Data.MulticlassClassificationMetrics"/> with its confusion matrix), the alignment of the
/// network's AGOP with a reference, and the catapults seen while the network was trained.
/// </summary>
/// <typeparam name="TMetrics">ML.NET's metrics type of the task.</typeparam>
/// <remarks>
/// AGOP alignment: cos(G, G*) = ⟨G, G*⟩_F / (‖G‖_F ‖G*‖_F), where G = 1/n Σᵢ Σ_c ∇ₓf_c(xᵢ) ∇ₓf_c(xᵢ)ᵀ is the network's AGOP
/// over the evaluated rows of its feature column (the pixels, for an image network) and G* the reference's over the same
/// rows. It lies in [0, 1] for positive semi-definite G and G*.
/// </remarks>
public sealed class AlignmentMetrics<TMetrics> where TMetrics : class
{
    internal AlignmentMetrics(TMetrics metrics, double alignment, int rows, int? catapults, string reference)
    {
        Metrics = metrics;
        AgopAlignment = alignment;
        AgopRowCount = rows;
        CatapultCount = catapults;
        Reference = reference;
    }

    /// <summary>ML.NET's metrics of the task, exactly as its evaluator computed them on the scored rows.</summary>
    public TMetrics Metrics { get; }

    /// <summary>cos(G, G*) of the network's AGOP over the evaluated rows with the reference's.</summary>
    public double AgopAlignment { get; }

    /// <summary>Number of rows the AGOPs were computed over.</summary>
    public int AgopRowCount { get; }

    /// <summary>Number of catapults detected in training (<see cref="Trainers.TrainingReport.CatapultCount"/>); null when they were not measured.</summary>
    public int? CatapultCount { get; }

    /// <summary>The reference, in words.</summary>
    public string Reference { get; }
}
