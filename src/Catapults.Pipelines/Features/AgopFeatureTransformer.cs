using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Catapults.ML.Features;
using Catapults.ML.Runtime;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Prediction;

namespace Catapults.Pipelines.Features;

/// <summary>
/// Adds an AGOP feature column y = M x to a view, keeping every input column: M = G^p (d outputs) or the top-r
/// eigenvectors of G as rows (r outputs), fitted by <see cref="AgopFeatureEstimator"/>. Works as an ML.NET
/// <see cref="ITransformer"/> everywhere (Transform, TransformerChain, PredictionEngine) except
/// <c>mlContext.Model.Save</c>; save with <c>mlContext.Model.SaveCatapultsModel</c> (or <see cref="Save(string)"/>).
/// </summary>
/// <remarks>Prediction uses no tensors: each row is one small matrix-vector product in managed code.</remarks>
[ArchiveStage("agop-features")]
public sealed class AgopFeatureTransformer : ITransformer, IArchivedTransformer, IDisposable
{
    private const string StageEntry = "agop-features.json";
    // A field the map's state does not have is a damaged name, refused rather than skipped.
    private static readonly JsonSerializerOptions StateJson = new()
    {
        Converters = { new StrictEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    internal const string SaveNotSupportedMessage =
        "mlContext.Model.Save cannot save a Catapults.NET AGOP feature transformer (ML.NET's model format has no entry for " +
        "transformers from other assemblies). Save the model with mlContext.Model.SaveCatapultsModel(model, inputSchema, path) " +
        "and load it with mlContext.Model.LoadCatapultsModel(path, out inputSchema) (namespace Catapults.Pipelines.Catalog).";

    internal AgopFeatureTransformer(string inputColumnName, string outputColumnName, AgopFeatureMap map, string source)
    {
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        Map = map;
        Source = source;
        OutputType = new VectorDataViewType(NumberDataViewType.Single, map.OutputDimension);
    }

    /// <summary>The column the map reads (d Single values).</summary>
    public string InputColumnName { get; }

    /// <summary>The column the map writes (a vector of <see cref="OutputDimension"/> Single values).</summary>
    public string OutputColumnName { get; }

    /// <summary>Which map: G^p x or the top-r projection.</summary>
    public AgopFeatureMapKind Kind => Map.Kind;

    /// <summary>d, the number of input features.</summary>
    public int InputDimension => Map.InputDimension;

    /// <summary>The number of output features (d, or r for the top-r projection).</summary>
    public int OutputDimension => Map.OutputDimension;

    /// <summary>The eigenvalues of the (trace-normalised, if so fitted) AGOP, descending.</summary>
    public IReadOnlyList<double> Eigenvalues => Map.Eigenvalues;

    /// <summary>The network the AGOP was taken from, in words.</summary>
    public string Source { get; }

    /// <summary>The fitted map's state: the matrix M (row-major [k, d]), its kind and the eigenvalues of G.</summary>
    public AgopFeatureMapState State => Map.ToState();

    internal AgopFeatureMap Map { get; }

    internal VectorDataViewType OutputType { get; }

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the feature column; checks the input column.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A mapper that maps one row at a time (used by PredictionEngine and transformer chains).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new AgopFeatureMapper(Bind(inputSchema));

    /// <summary>The input plus the feature column, computed lazily when a cursor reads it.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new AgopFeatureDataView(input, Bind(input.Schema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(SaveNotSupportedMessage);

    /// <summary>Saves this transformer to a versioned model zip at <paramref name="path"/> (see <see cref="CatapultsModelArchive"/>).</summary>
    public void Save(string path) => CatapultsModelArchive.Save(this, null, path);

    /// <summary>Saves this transformer to a versioned model zip written to <paramref name="stream"/>.</summary>
    public void Save(Stream stream) => CatapultsModelArchive.Save(this, null, stream);

    /// <summary>Loads a transformer saved by <see cref="Save(string)"/>.</summary>
    public static AgopFeatureTransformer Load(string path) => CatapultsModelArchive.LoadTransformer<AgopFeatureTransformer>(path);

    /// <summary>Loads a transformer saved by <see cref="Save(Stream)"/>.</summary>
    public static AgopFeatureTransformer Load(Stream stream) => CatapultsModelArchive.LoadTransformer<AgopFeatureTransformer>(stream);

    void IArchivedTransformer.SaveStage(ArchiveStage stage) => stage.WriteJson(StageEntry, new JsonObject
    {
        ["inputColumnName"] = InputColumnName,
        ["outputColumnName"] = OutputColumnName,
        ["source"] = Source,
        ["state"] = JsonSerializer.SerializeToNode(State, StateJson),
    });

    /// <summary>Loads an <c>"agop-features"</c> stage: the columns, the source in words and the map's state.</summary>
    internal static AgopFeatureTransformer LoadStage(ArchiveStage stage)
    {
        string entry = $"{stage.ArchiveName}: '{stage.Path}{StageEntry}'";
        var description = JsonFields.RequireKnown(stage.ReadJson(StageEntry), entry, "inputColumnName", "outputColumnName", "source", "state");
        AgopFeatureMap map;
        try
        {
            var state = description["state"].Deserialize<AgopFeatureMapState>(StateJson) ?? throw new InvalidDataException($"{entry} has no map state.");
            map = AgopFeatureMap.FromState(state);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{entry}: the map state is invalid or cannot be read ({ex.Message}).", ex);
        }
        try
        {
            return new AgopFeatureTransformer(
                JsonFields.RequiredColumnName(description, "inputColumnName", entry),
                JsonFields.RequiredColumnName(description, "outputColumnName", entry),
                map, JsonFields.TryGet<string>(description, "source", entry, out var source) ? source : "");
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Releases the map's device copy of M.</summary>
    public void Dispose() => Map.Dispose();

    private AgopFeatureBinding Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (column, size) = ColumnChecks.Features(inputSchema, InputColumnName);
        if (size != InputDimension)
            throw new ArgumentException(
                $"Column '{InputColumnName}' has {size} slots, but the AGOP feature map was fitted on {InputDimension} features.", nameof(inputSchema));
        return new AgopFeatureBinding(inputSchema, column, this);
    }
}
