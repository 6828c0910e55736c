using Catapults.ML.Training;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Trains a TorchSharp network of any architecture for binary classification. Reach it through
/// <c>mlContext.BinaryClassification.Trainers.TorchNetwork(...)</c>.
/// </summary>
/// <remarks>
/// Input: a known-size vector of Single features and a Boolean label. Output: the input columns plus <c>Score</c>,
/// <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean), so <c>mlContext.BinaryClassification.Evaluate</c>
/// works unchanged. The default loss is MSE on ±1 targets; see <see cref="ClassificationLoss"/> for what each loss
/// makes of the outputs.
/// </remarks>
public sealed class TorchNetworkBinaryTrainer : TorchNetworkTrainerBase<TorchNetworkBinaryTrainer.Options, TorchNetworkBinaryTransformer>
{
    /// <summary>Options of the binary trainer: those of <see cref="ClassificationTrainerOptions"/>.</summary>
    public sealed class Options : ClassificationTrainerOptions
    {
    }

    /// <summary>Creates the trainer; the options are validated now and copied when <see cref="TorchNetworkTrainerBase{TOptions, TTransformer}.Fit"/> runs.</summary>
    public TorchNetworkBinaryTrainer(Options options) : base(options) { }

    private protected override PredictionKind Kind => PredictionKind.BinaryClassification;

    private protected override TaskSetup CreateTask(DataViewSchema schema, Options options)
    {
        var label = ColumnChecks.BinaryLabel(schema, options.LabelColumnName);
        var (encoding, description) = options.Loss == ClassificationLoss.CrossEntropy
            ? (TargetEncoding.BooleanIndex, "CrossEntropy on two logits (false, true)")
            : (TargetEncoding.SignedBoolean, "MeanSquaredError on targets ±1: 1/b Σ (f(x) − y)²");
        return new TaskSetup(label, new BinaryHead(options.Loss), options.TrainerLoss, encoding, 2, description);
    }

    private protected override PredictionHead ShapeHead(SchemaShape.Column label) => new BinaryHead(TrainerOptions.Loss);

    private protected override TorchNetworkBinaryTransformer CreateTransformer(TorchNetworkModelParameters model, Options options,
        TrainingReport report, TaskSetup task) => new(model, options, report);
}
