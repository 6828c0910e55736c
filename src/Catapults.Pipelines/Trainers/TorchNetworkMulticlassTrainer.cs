using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a TorchSharp network of any architecture with one output per class. Reach it through
/// <c>mlContext.MulticlassClassification.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a key-typed label of known cardinality K (use
/// <c>MapValueToKey</c>). Output: the input columns plus <c>Score</c> (K class probabilities, slots named after the
/// classes) and <c>PredictedLabel</c> (a key carrying the label's values, so <c>MapKeyToValue</c> turns it back), so
/// <c>mlContext.MulticlassClassification.Evaluate</c> works unchanged. The default loss is MSE on one-hot targets, as
/// in the catapult paper; see <see cref="ClassificationLoss"/>.
/// </remarks>
public sealed class TorchNetworkMulticlassTrainer : TorchNetworkTrainerBase<TorchNetworkMulticlassTrainer.Options, TorchNetworkMulticlassTransformer>
{
    /// <summary>Options of the multiclass trainer: those of <see cref="ClassificationTrainerOptions"/>.</summary>
    public sealed class Options : ClassificationTrainerOptions
    {
    }

    /// <summary>Creates the trainer; the options are validated now and copied when <see cref="TorchNetworkTrainerBase{TOptions, TTransformer}.Fit"/> runs.</summary>
    public TorchNetworkMulticlassTrainer(Options options) : base(options) { }

    private protected override PredictionKind Kind => PredictionKind.MulticlassClassification;

    private protected override TaskSetup CreateTask(DataViewSchema schema, Options options)
    {
        var (label, classes) = ColumnChecks.MulticlassLabel(schema, options.LabelColumnName);
        var keyValues = KeyValueSet.FromColumn(label, classes);
        var (encoding, description) = options.Loss == ClassificationLoss.CrossEntropy
            ? (TargetEncoding.KeyIndex, $"CrossEntropy over {classes} logits")
            : (TargetEncoding.KeyOneHot, $"MeanSquaredError on one-hot targets over {classes} outputs: 1/b Σ ‖f(x) − e_y‖²");
        return new TaskSetup(label, new MulticlassHead(options.Loss, classes, keyValues), options.TrainerLoss, encoding, classes, description);
    }

    private protected override PredictionHead ShapeHead(SchemaShape.Column label)
    {
        // A shape does not know K; any K ≥ 2 gives the same column shapes.
        const int anyClassCount = 2;
        return new MulticlassHead(TrainerOptions.Loss, anyClassCount, OutputShapes.KeyValuesOf(label, anyClassCount));
    }

    private protected override TorchNetworkMulticlassTransformer CreateTransformer(TorchNetworkModelParameters model, Options options,
        TrainingReport report, TaskSetup task) => new(model, options, report, (MulticlassHead)task.Head);
}
