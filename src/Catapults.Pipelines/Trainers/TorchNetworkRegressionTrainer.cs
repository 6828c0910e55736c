using Catapults.ML.Training;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a fully connected TorchSharp network for regression with the squared loss L = 1/b Σᵢ (f(xᵢ) − yᵢ)² (no ½).
/// Reach it through <c>mlContext.Regression.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a Single label. Output: the input columns plus <c>Score</c>
/// (Single), so <c>mlContext.Regression.Evaluate</c> works unchanged. The fitted transformer holds the training report.
/// </remarks>
public sealed class TorchNetworkRegressionTrainer : IEstimator<TorchNetworkRegressionTransformer>
{
    /// <summary>Options of the regression trainer: those of <see cref="TorchNetworkTrainerOptions"/>; the loss is always MSE.</summary>
    public sealed class Options : TorchNetworkTrainerOptions
    {
        /// <summary>A copy of these options.</summary>
        public Options Clone()
        {
            var copy = new Options();
            CopyTo(copy);
            return copy;
        }
    }

    private readonly Options _options;

    /// <summary>Creates the trainer; the options are copied when <see cref="Fit"/> runs.</summary>
    public TorchNetworkRegressionTrainer(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The options the trainer was created with.</summary>
    public Options TrainerOptions => _options;

    /// <summary>Trains a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or a value is not finite (the row is named).</exception>
    /// <exception cref="TrainingDivergedException">Training diverged and <see cref="TorchNetworkTrainerOptions.ThrowOnDivergence"/> is set.</exception>
    public TorchNetworkRegressionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = _options.Clone();
        options.Validate();
        var (features, d) = ColumnChecks.Features(input.Schema, options.FeatureColumnName);
        var label = ColumnChecks.RegressionLabel(input.Schema, options.LabelColumnName);
        var task = new TaskSetup(new RegressionHead(), LossKind.MeanSquaredError, TargetEncoding.Value, 0,
            "MeanSquaredError: 1/b Σ (f(x) − y)²");
        var (model, report) = NetworkTraining.Run(input, options, features, d, label, task);
        return new TorchNetworkRegressionTransformer(model, options, report);
    }

    /// <summary>The input shape plus <c>Score</c>; checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Features(inputSchema, _options.FeatureColumnName);
        ColumnChecks.Label(inputSchema, _options.LabelColumnName, PredictionKind.Regression);
        return OutputShapes.Append(inputSchema, new RegressionHead());
    }
}
