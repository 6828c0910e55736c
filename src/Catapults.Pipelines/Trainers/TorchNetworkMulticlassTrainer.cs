using Catapults.ML.Training;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a fully connected TorchSharp network with one output per class. Reach it through
/// <c>mlContext.MulticlassClassification.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a key-typed label of known cardinality K (use
/// <c>MapValueToKey</c>). Output: the input columns plus <c>Score</c> (K class probabilities, slots named after the
/// classes) and <c>PredictedLabel</c> (a key carrying the label's values, so <c>MapKeyToValue</c> turns it back), so
/// <c>mlContext.MulticlassClassification.Evaluate</c> works unchanged. The default loss is MSE on one-hot targets, as
/// in the catapult paper; see <see cref="ClassificationLoss"/>.
/// </remarks>
public sealed class TorchNetworkMulticlassTrainer : IEstimator<TorchNetworkMulticlassTransformer>
{
    /// <summary>Options of the multiclass trainer.</summary>
    public sealed class Options : TorchNetworkTrainerOptions
    {
        /// <summary>
        /// The loss; default <see cref="ClassificationLoss.MeanSquaredError"/> on one-hot targets (the catapult paper's
        /// choice). <see cref="ClassificationLoss.CrossEntropy"/> gives calibrated softmax probabilities.
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
    public TorchNetworkMulticlassTrainer(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The options the trainer was created with.</summary>
    public Options TrainerOptions => _options;

    /// <summary>Trains a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A column is missing or of the wrong type, the label key has an unknown or too small cardinality, or a value is
    /// not finite or a key is missing (the row is named).
    /// </exception>
    /// <exception cref="TrainingDivergedException">Training diverged and <see cref="TorchNetworkTrainerOptions.ThrowOnDivergence"/> is set.</exception>
    public TorchNetworkMulticlassTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = _options.Clone();
        options.Validate();
        var (features, d) = ColumnChecks.Features(input.Schema, options.FeatureColumnName);
        var (label, classes) = ColumnChecks.MulticlassLabel(input.Schema, options.LabelColumnName);
        var keyValues = KeyValueSet.FromColumn(label, classes);
        var (loss, encoding, description) = options.Loss == ClassificationLoss.CrossEntropy
            ? (LossKind.CrossEntropy, TargetEncoding.KeyIndex, $"CrossEntropy over {classes} logits")
            : (LossKind.MeanSquaredError, TargetEncoding.KeyOneHot, $"MeanSquaredError on one-hot targets over {classes} outputs: 1/b Σ ‖f(x) − e_y‖²");
        var task = new TaskSetup(new MulticlassHead(options.Loss, classes, keyValues), loss, encoding, classes, description);
        var (model, report) = NetworkTraining.Run(input, options, features, d, label, task);
        return new TorchNetworkMulticlassTransformer(model, options, report, classes, keyValues);
    }

    /// <summary>The input shape plus <c>Score</c> (vector) and <c>PredictedLabel</c> (key); checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Features(inputSchema, _options.FeatureColumnName);
        var label = ColumnChecks.Label(inputSchema, _options.LabelColumnName, PredictionKind.MulticlassClassification);
        // A shape does not know K; any K ≥ 2 gives the same column shapes.
        const int anyClassCount = 2;
        return OutputShapes.Append(inputSchema, new MulticlassHead(_options.Loss, anyClassCount, OutputShapes.KeyValuesOf(label, anyClassCount)));
    }
}
