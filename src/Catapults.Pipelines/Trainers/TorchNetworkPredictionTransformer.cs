using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Serialization;
using Catapults.Pipelines.Persistence;
using TorchSharp;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Trainers;

/// <summary>
/// Base of the network prediction transformers: applies a trained network to a feature column and adds ML.NET's
/// standard prediction columns, keeping every input column. It works as an ML.NET <see cref="ITransformer"/>
/// everywhere (Transform, TransformerChain, PredictionEngine, the evaluators) except <c>mlContext.Model.Save</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Saving.</b> ML.NET's <c>mlContext.Model.Save</c> cannot hold a transformer from another assembly (its save context
/// is internal to ML.NET), so it fails on this transformer and on any chain that contains one. Use
/// <c>mlContext.Model.SaveCatapultsModel(model, inputSchema, path)</c> and <c>mlContext.Model.LoadCatapultsModel(path, out schema)</c>
/// (or <see cref="Save(string)"/> and the <c>Load</c> method of each transformer type): they write one versioned zip
/// holding ML.NET's own transformers in ML.NET's format and the networks in this library's (see <see cref="CatapultsModelArchive"/>).
/// </para>
/// <para>
/// <b>Native memory.</b> The network's weights are native tensors; <see cref="Dispose"/> frees them at once rather
/// than at garbage collection.
/// </para>
/// </remarks>
[ArchiveStage("network")]
public abstract class TorchNetworkPredictionTransformer : ISingleFeaturePredictionTransformer<TorchNetworkModelParameters>, IArchivedTransformer, IDisposable
{
    internal const string SaveNotSupportedMessage =
        "mlContext.Model.Save cannot save a Catapults.NET network transformer (ML.NET's model format has no entry for " +
        "transformers from other assemblies). Save the model with mlContext.Model.SaveCatapultsModel(model, inputSchema, path) " +
        "and load it with mlContext.Model.LoadCatapultsModel(path, out inputSchema) (namespace Catapults.Pipelines.Catalog); " +
        "the file holds ML.NET's own transformers in ML.NET's format next to the networks.";

    private readonly TorchNetworkTrainerOptions _options;

    private protected TorchNetworkPredictionTransformer(TorchNetworkModelParameters model, TorchNetworkTrainerOptions options,
        TrainingReport report, PredictionHead head)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (model.OutputCount != head.OutputCount)
            throw new ArgumentException($"The network has {model.OutputCount} outputs; the {head.Kind} head reads {head.OutputCount}.", nameof(model));
        Model = model;
        _options = options;
        Report = report;
        Head = head;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputDimension);
    }

    /// <summary>The trained network.</summary>
    public TorchNetworkModelParameters Model { get; }

    /// <summary>Name of the feature column the network reads.</summary>
    public string FeatureColumnName => _options.FeatureColumnName;

    /// <summary>Type of the feature column: a vector of d Single values.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>Name of the label column the network was trained on (not needed for prediction).</summary>
    public string LabelColumnName => _options.LabelColumnName;

    /// <summary>The task, which decides the output columns.</summary>
    public PredictionKind Kind => Head.Kind;

    /// <summary>The training report: how the run ended, the step records and any further tables.</summary>
    public TrainingReport Report { get; }

    /// <summary>The options the network was trained with (a snapshot taken at <c>Fit</c>).</summary>
    public TorchNetworkTrainerOptions TrainingOptions => _options;

    internal PredictionHead Head { get; }

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the prediction columns; checks the feature column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A mapper that predicts one row at a time (used by PredictionEngine and transformer chains).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new PredictionRowMapper(Bind(inputSchema), Model);

    /// <summary>
    /// The input plus the prediction columns, computed lazily when a cursor reads them (in blocks of rows for
    /// unshuffled cursors).
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new PredictionDataView(input, Bind(input.Schema), Model);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(SaveNotSupportedMessage);

    /// <summary>Saves this transformer (network, options and report) to a versioned model zip at <paramref name="path"/>.</summary>
    public void Save(string path) => CatapultsModelArchive.Save(this, null, path);

    /// <summary>Saves this transformer to a versioned model zip written to <paramref name="stream"/>.</summary>
    public void Save(Stream stream) => CatapultsModelArchive.Save(this, null, stream);

    /// <summary>
    /// Writes the network's weights to a safetensors file that PyTorch can read: for a fully connected network in the
    /// layout of <see cref="NetworkWeights"/> (which can fold the scales in), for every other architecture in the
    /// engine's <see cref="ModelWeights"/> layout (one tensor per trainable parameter, unscaled).
    /// </summary>
    public void ExportWeights(string path, WeightExportOptions? options = null)
    {
        if (Model.Network is FullyConnectedNetwork fcn) NetworkWeights.Export(fcn, path, options);
        else ModelWeights.Save(Model.Network, path);
    }

    /// <summary>
    /// Replaces the network's weights by those of a safetensors file (as written by <see cref="ExportWeights"/> or by
    /// PyTorch with the same names and shapes).
    /// </summary>
    public void ImportWeights(string path)
    {
        if (Model.Network is FullyConnectedNetwork fcn) NetworkWeights.Import(fcn, path);
        else ModelWeights.Load(Model.Network, path);
    }

    void IArchivedTransformer.SaveStage(ArchiveStage stage)
    {
        // The weights are read first: a disposed network throws here, before any entry of the stage is written.
        byte[] weights;
        using (var buffer = new MemoryStream())
        {
            ModelWeights.Save(Model.Network, buffer);
            weights = buffer.ToArray();
        }
        var description = new JsonObject
        {
            ["kind"] = Kind.ToString(),
            ["inputShape"] = new JsonArray(Model.Network.InputShape.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["outputCount"] = Model.OutputCount,
            ["architecture"] = Model.Description,
            ["options"] = OptionsJson.Write(TrainingOptions),
        };
        if (Head is MulticlassHead { KeyValues: { } keys })
            description["keyValues"] = new JsonObject
            {
                ["type"] = keys.TypeName,
                ["values"] = new JsonArray(keys.ToStrings().Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            };
        stage.WriteJson("network.json", description);
        stage.WriteBytes("weights.safetensors", weights);
        stage.WriteJson("report.json", ReportJson.Write(Report));
    }

    /// <summary>Loads a <c>"network"</c> stage: rebuilds the described network on the CPU and loads its weights.</summary>
    internal static TorchNetworkPredictionTransformer LoadStage(ArchiveStage stage)
    {
        string name = $"{stage.ArchiveName}: {stage.Path}";
        string where = $"{name}network.json";
        var description = stage.ReadJson("network.json");
        var report = ReportJson.Read(stage.ReadJson("report.json"), $"{name}report.json");
        JsonFields.RequireKnown(description, where, "kind", "inputShape", "outputCount", "architecture", "options", "keyValues");
        var kind = JsonFields.RequiredEnum<PredictionKind>(description, "kind", where);
        var inputShape = JsonFields.RequiredArray(description, "inputShape", where)
            .Select((n, i) => JsonFields.ValueOf<long>(n, $"{where}: inputShape[{i}]")).ToArray();
        int outputCount = JsonFields.Required<int>(description, "outputCount", where);
        int fewestOutputs = kind == PredictionKind.MulticlassClassification ? 2 : 1;
        if (inputShape.Length == 0 || inputShape.Any(s => s < 1) || outputCount < fewestOutputs)
            throw new InvalidDataException(
                $"{where}: inputShape must be one or more sizes of at least 1 and outputCount at least {fewestOutputs}, got [{string.Join(", ", inputShape)}] and {outputCount}.");
        var optionsJson = JsonFields.RequiredObject(description, "options", where);
        TorchNetworkTrainerOptions options = kind switch
        {
            PredictionKind.Regression => OptionsJson.Read<TorchNetworkRegressionTrainer.Options>(optionsJson, where),
            PredictionKind.BinaryClassification => OptionsJson.Read<TorchNetworkBinaryTrainer.Options>(optionsJson, where),
            _ => OptionsJson.Read<TorchNetworkMulticlassTrainer.Options>(optionsJson, where),
        };
        // Archives written before 5 Dec 2026 kept an events table where catapults were not measured (detection off, or
        // no spectrum); their count reads null, as a model trained now reports it.
        if (!options.Diagnostics.CountsCatapults)
            report.RemoveTable(TrainingReport.CatapultEventsTableName);
        var keys = description["keyValues"] is JsonObject k ? ReadKeyValues(k, $"{where}: keyValues", outputCount) : null;
        var weights = SafetensorsFile.Read(new MemoryStream(stage.ReadBytes("weights.safetensors")), $"{name}weights.safetensors");
        var network = NetworkWeights.BuildDescribed(() => options.Network.Build(inputShape, outputCount, options.Seed),
            () => ModelFactory.ParameterCount(options.Network, inputShape, outputCount), weights, where);
        try
        {
            ModelWeights.Load(network, weights);
            var model = new TorchNetworkModelParameters(network, torch.CPU);
            switch (options)
            {
                case TorchNetworkRegressionTrainer.Options r:
                    return new TorchNetworkRegressionTransformer(model, r, report);
                case TorchNetworkBinaryTrainer.Options b:
                    return new TorchNetworkBinaryTransformer(model, b, report);
                default:
                    var multiclass = (TorchNetworkMulticlassTrainer.Options)options;
                    return new TorchNetworkMulticlassTransformer(model, multiclass, report, new MulticlassHead(multiclass.Loss, outputCount, keys));
            }
        }
        catch (ArgumentException ex)
        {
            // The description is consistent when written (a head reads the outputs its network has); an edited one
            // (another loss, so another output count) is damage of network.json, refused as such.
            network.Dispose();
            throw new InvalidDataException($"{where}: {ErrorText.FirstLine(ex)}", ex);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static KeyValueSet ReadKeyValues(JsonObject json, string where, int classCount)
    {
        JsonFields.RequireKnown(json, where, "type", "values");
        string type = JsonFields.Required<string>(json, "type", where);
        var values = JsonFields.RequiredArray(json, "values", where).Select((v, i) => JsonFields.ValueOf<string>(v, $"{where}.values[{i}]")).ToList();
        if (values.Count != classCount)
            throw new InvalidDataException($"{where}: {values.Count} key values for {classCount} classes.");
        try
        {
            return KeyValueSet.FromStrings(type, values);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{where}: the key values cannot be read back ({ex.Message})", ex);
        }
    }

    /// <summary>Frees the network's native memory. The transformer cannot predict afterwards.</summary>
    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }

    private BoundSchema Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new BoundSchema(inputSchema, FeatureColumnName, Model.InputDimension, Head);
    }
}
