using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a TorchSharp network of any architecture for regression with the squared loss L = 1/b Σᵢ (f(xᵢ) − yᵢ)² (no ½).
/// Reach it through <c>mlContext.Regression.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a Single label. Output: the input columns plus <c>Score</c>
/// (Single), so <c>mlContext.Regression.Evaluate</c> works unchanged. The fitted transformer holds the training report.
/// </remarks>
public sealed class TorchNetworkRegressionTrainer : TorchNetworkTrainerBase<TorchNetworkRegressionTrainer.Options, TorchNetworkRegressionTransformer>
{
    /// <summary>Options of the regression trainer: those of <see cref="TorchNetworkTrainerOptions"/>; the loss is always MSE.</summary>
    public sealed class Options : TorchNetworkTrainerOptions
    {
        internal override LossKind TrainerLoss => LossKind.MeanSquaredError;
    }

    /// <summary>Creates the trainer; the options are validated now and copied when <see cref="TorchNetworkTrainerBase{TOptions, TTransformer}.Fit"/> runs.</summary>
    public TorchNetworkRegressionTrainer(Options options) : base(options) { }

    private protected override PredictionKind Kind => PredictionKind.Regression;

    private protected override TaskSetup CreateTask(DataViewSchema schema, Options options) =>
        new(ColumnChecks.RegressionLabel(schema, options.LabelColumnName), new RegressionHead(), LossKind.MeanSquaredError,
            TargetEncoding.Value, 0, "MeanSquaredError: 1/b Σ (f(x) − y)²");

    private protected override PredictionHead ShapeHead(SchemaShape.Column label) => new RegressionHead();

    private protected override TorchNetworkRegressionTransformer CreateTransformer(TorchNetworkModelParameters model, Options options,
        TrainingReport report, TaskSetup task) => new(model, options, report);
}
