using Catapults.ML.Training;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a fully connected TorchSharp network for binary classification. Reach it through
/// <c>mlContext.BinaryClassification.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a Boolean label. Output: the input columns plus <c>Score</c>,
/// <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean), so <c>mlContext.BinaryClassification.Evaluate</c>
/// works unchanged. The default loss is MSE on ±1 targets; see <see cref="ClassificationLoss"/> for what each loss
/// makes of the outputs.
/// </remarks>
public sealed class TorchNetworkBinaryTrainer : IEstimator<TorchNetworkBinaryTransformer>
{
    /// <summary>Options of the binary trainer.</summary>
    public sealed class Options : TorchNetworkTrainerOptions
    {
        /// <summary>
        /// The loss; default <see cref="ClassificationLoss.MeanSquaredError"/> on targets ±1 (one output), the loss the
        /// catapult analysis is built on. <see cref="ClassificationLoss.CrossEntropy"/> uses two logits.
        /// </summary>
        public ClassificationLoss Loss { get; set; } = ClassificationLoss.MeanSquaredError;

        /// <summary>A copy of these options.</summary>
        public Options Clone()
        {
            var copy = new Options { Loss = Loss };
            CopyTo(copy);
            return copy;
        }
    }

    private readonly Options _options;

    /// <summary>Creates the trainer; the options are copied when <see cref="Fit"/> runs.</summary>
    public TorchNetworkBinaryTrainer(Options options)
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
    public TorchNetworkBinaryTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = _options.Clone();
        options.Validate();
        var (features, d) = ColumnChecks.Features(input.Schema, options.FeatureColumnName);
        var label = ColumnChecks.BinaryLabel(input.Schema, options.LabelColumnName);
        var (loss, encoding, description) = options.Loss == ClassificationLoss.CrossEntropy
            ? (LossKind.CrossEntropy, TargetEncoding.BooleanIndex, "CrossEntropy on two logits (false, true)")
            : (LossKind.MeanSquaredError, TargetEncoding.SignedBoolean, "MeanSquaredError on targets ±1: 1/b Σ (f(x) − y)²");
        var task = new TaskSetup(new BinaryHead(options.Loss), loss, encoding, 2, description);
        var (model, report) = NetworkTraining.Run(input, options, features, d, label, task);
        return new TorchNetworkBinaryTransformer(model, options, report);
    }

    /// <summary>The input shape plus <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>; checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Features(inputSchema, _options.FeatureColumnName);
        ColumnChecks.Label(inputSchema, _options.LabelColumnName, PredictionKind.BinaryClassification);
        return OutputShapes.Append(inputSchema, new BinaryHead(_options.Loss));
    }
}
