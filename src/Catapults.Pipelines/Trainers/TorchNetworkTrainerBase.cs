using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// The shape every network trainer shares (regression, binary, multiclass): check the columns, read the data into
/// tensors, build the network the options describe, train it with the engine's trainer and wrap it in a prediction
/// transformer. A task fills three small hooks: how its label becomes targets and which loss it fits
/// (<see cref="CreateTask"/>), which output columns it adds (<see cref="ShapeHead"/>), and its transformer
/// (<see cref="CreateTransformer"/>).
/// </summary>
/// <typeparam name="TOptions">The trainer's options.</typeparam>
/// <typeparam name="TTransformer">The transformer <see cref="Fit"/> returns.</typeparam>
public abstract class TorchNetworkTrainerBase<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : TorchNetworkTrainerOptions
    where TTransformer : TorchNetworkPredictionTransformer
{
    private protected TorchNetworkTrainerBase(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TrainerOptions = options;
    }

    /// <summary>The options the trainer was created with; <see cref="Fit"/> takes a snapshot of them when it starts.</summary>
    public TOptions TrainerOptions { get; }

    private protected abstract PredictionKind Kind { get; }

    /// <summary>The task's label column, target encoding, loss and head for <paramref name="schema"/> (checks the label).</summary>
    private protected abstract TaskSetup CreateTask(DataViewSchema schema, TOptions options);

    /// <summary>The head whose columns an estimator promises for a label of shape <paramref name="label"/>.</summary>
    private protected abstract PredictionHead ShapeHead(SchemaShape.Column label);

    /// <summary>The fitted transformer.</summary>
    private protected abstract TTransformer CreateTransformer(TorchNetworkModelParameters model, TOptions options, TrainingReport report, TaskSetup task);

    /// <summary>Trains a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A column is missing or of the wrong type, an image network's column has no known image shape, or a value is not
    /// finite or a key is missing (the row is named).
    /// </exception>
    /// <exception cref="TrainingDivergedException">Training diverged and <see cref="TorchNetworkTrainerOptions.ThrowOnDivergence"/> is set.</exception>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = (TOptions)TrainerOptions.Snapshot();
        options.Validate();
        var (features, inputShape) = ColumnChecks.NetworkFeatures(input.Schema, options.FeatureColumnName, options.Network);
        var task = CreateTask(input.Schema, options);
        var (model, report) = NetworkTraining.Run(input, options, features, inputShape, task);
        return CreateTransformer(model, options, report, task);
    }

    /// <summary>The input shape plus the task's prediction columns; checks the feature and label columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Features(inputSchema, TrainerOptions.FeatureColumnName);
        var label = ColumnChecks.Label(inputSchema, TrainerOptions.LabelColumnName, Kind);
        return OutputShapes.Append(inputSchema, ShapeHead(label));
    }
}
