using Catapults.ML.Features;
using Catapults.Pipelines.Persistence;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Features;

/// <summary>
/// Adds an AGOP feature column y = M x to a view, keeping every input column: M = G^p (d outputs) or the top-r
/// eigenvectors of G as rows (r outputs), fitted by <see cref="AgopFeatureEstimator"/>. Works as an ML.NET
/// <see cref="ITransformer"/> everywhere (Transform, TransformerChain, PredictionEngine) except
/// <c>mlContext.Model.Save</c>; save with <c>mlContext.Model.SaveCatapultsModel</c> (or <see cref="Save(string)"/>).
/// </summary>
/// <remarks>Prediction uses no tensors: each row is one small matrix-vector product in managed code.</remarks>
public sealed class AgopFeatureTransformer : ITransformer, IDisposable
{
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
    public static AgopFeatureTransformer Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Expect(CatapultsModelArchive.Load(stream, out _), path);
    }

    /// <summary>Loads a transformer saved by <see cref="Save(Stream)"/>.</summary>
    public static AgopFeatureTransformer Load(Stream stream) => Expect(CatapultsModelArchive.Load(stream, out _), "model stream");

    private static AgopFeatureTransformer Expect(ITransformer loaded, string name)
    {
        if (loaded is AgopFeatureTransformer typed) return typed;
        (loaded as IDisposable)?.Dispose();
        throw new InvalidDataException(
            $"{name} holds a {loaded.GetType().Name}, not an AgopFeatureTransformer. Load it with mlContext.Model.LoadCatapultsModel.");
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
