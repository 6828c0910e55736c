using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Features;
using Catapults.ML.Serialization;
using Catapults.ML.Runtime;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Saves and loads models that contain network transformers, alone or inside ML.NET transformer chains, as one
/// versioned zip. ML.NET's own <c>mlContext.Model.Save</c> cannot do this: it can only write transformers that live
/// in ML.NET's assemblies.
/// </summary>
/// <remarks>
/// <para><b>Layout (format version 1).</b></para>
/// <list type="bullet">
/// <item><c>manifest.json</c>: <c>{"format": "Catapults.NET model", "formatVersion": 1, "writer", "createdUtc",
/// "inputSchema": entry or null, "root": element}</c>. An element is <c>{"type": "network", "path": "stages/i/", "kind"}</c>,
/// <c>{"type": "agop-features", "path": "stages/i/"}</c>, <c>{"type": "mlnet", "path": "stages/i.mlnet.zip"}</c> or <c>{"type": "chain", "elements": [element + "scope"]}</c>.</item>
/// <item><c>stages/i/network.json</c>: task, loss, columns, feature and output counts, the label's key values and every
/// trainer option; <c>stages/i/weights.safetensors</c>: the weights (see <see cref="NetworkWeights"/>);
/// <c>stages/i/report.json</c>: the training report with all its tables.</item>
/// <item><c>stages/i/agop-features.json</c>: an AGOP feature transformer: its columns, the network it was fitted from
/// (in words) and the map's state (kind, power, dimensions, the matrix M row-major, the eigenvalues of G). Readers
/// older than this element reject a file holding one with an error naming the type.</item>
/// <item><c>stages/i.mlnet.zip</c>: a run of consecutive ML.NET transformers, saved by ML.NET itself (with their scopes).</item>
/// <item><c>input-schema.mlnet.zip</c>: the input schema, when given, stored by ML.NET as an empty chain.</item>
/// </list>
/// <para>Chains are flattened: nested chains are saved as one chain, each transformer keeping its scope. A reader
/// rejects a newer format version and ignores members it does not know, so later versions can add members (a new
/// report table needs no change at all: see <see cref="TrainingReport.Tables"/>).</para>
/// <para>Loaded networks live on the CPU.</para>
/// </remarks>
public static class CatapultsModelArchive
{
    /// <summary>The <c>format</c> value of the manifest.</summary>
    public const string FormatName = "Catapults.NET model";

    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    private const string ManifestEntry = "manifest.json";
    private const string AgopFeaturesType = "agop-features";
    private const string AgopFeaturesEntry = "agop-features.json";
    private static readonly JsonSerializerOptions StateJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private const string InputSchemaEntry = "input-schema.mlnet.zip";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Saves <paramref name="model"/> (a network transformer, an ML.NET transformer, or a chain of both) to <paramref name="path"/>.</summary>
    public static void Save(ITransformer model, DataViewSchema? inputSchema, string path, MLContext? mlContext = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.Create(path);
        Save(model, inputSchema, stream, mlContext);
    }

    /// <summary>Saves <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream, MLContext? mlContext = null) =>
        Save(model, inputSchema, stream, (mlContext ?? new MLContext()).Model);

    internal static void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream, ModelOperationsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var writer = new StageWriter(zip, catalog);
        JsonObject root;
        if (model is TorchNetworkPredictionTransformer network)
            root = writer.WriteNetwork(network);
        else if (model is AgopFeatureTransformer agop)
            root = writer.WriteAgopFeatures(agop);
        else if (IsChain(model))
            root = writer.WriteChain(Flatten(model, TransformerScope.Everything));
        else
            root = writer.WriteMlNet(new[] { (model, TransformerScope.Everything) });

        string? schemaEntry = null;
        if (inputSchema is not null)
        {
            schemaEntry = InputSchemaEntry;
            using var buffer = new MemoryStream();
            catalog.Save(new TransformerChain<ITransformer>(), inputSchema, buffer);
            WriteBytes(zip, schemaEntry, buffer.ToArray());
        }
        var manifest = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = FormatVersion,
            ["writer"] = $"Catapults.Pipelines {typeof(CatapultsModelArchive).Assembly.GetName().Version}",
            ["createdUtc"] = DateTime.UtcNow.ToString("O"),
            ["inputSchema"] = schemaEntry,
            ["root"] = root,
        };
        WriteJson(zip, ManifestEntry, manifest);
    }

    /// <summary>Loads a model saved by <see cref="Save(ITransformer, DataViewSchema?, string, MLContext?)"/>.</summary>
    public static ITransformer Load(string path, out DataViewSchema? inputSchema, MLContext? mlContext = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Load(stream, out inputSchema, (mlContext ?? new MLContext()).Model, path);
    }

    /// <summary>Loads a model saved by <see cref="Save(ITransformer, DataViewSchema?, Stream, MLContext?)"/>.</summary>
    public static ITransformer Load(Stream stream, out DataViewSchema? inputSchema, MLContext? mlContext = null) =>
        Load(stream, out inputSchema, (mlContext ?? new MLContext()).Model, "model stream");

    /// <summary>Loads a saved network transformer of type <typeparamref name="T"/> (the file's root must be one).</summary>
    public static T LoadTransformer<T>(string path) where T : TorchNetworkPredictionTransformer
    {
        using var stream = File.OpenRead(path);
        return Expect<T>(Load(stream, out _, new MLContext().Model, path), path);
    }

    /// <summary>Loads a saved network transformer of type <typeparamref name="T"/> from <paramref name="stream"/>.</summary>
    public static T LoadTransformer<T>(Stream stream) where T : TorchNetworkPredictionTransformer =>
        Expect<T>(Load(stream, out _, new MLContext().Model, "model stream"), "model stream");

    internal static ITransformer Load(Stream stream, out DataViewSchema? inputSchema, ModelOperationsCatalog catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{name} is not a Catapults.NET model file (not a zip archive).", ex);
        }
        using (zip)
        {
            var manifest = ReadJson(zip, ManifestEntry, name)
                ?? throw new InvalidDataException(
                    $"{name} has no {ManifestEntry}: it is not a Catapults.NET model. (A model saved by mlContext.Model.Save loads with mlContext.Model.Load.)");
            if (manifest["format"]?.GetValue<string>() != FormatName)
                throw new InvalidDataException($"{name}: the manifest's format is '{manifest["format"]}', expected '{FormatName}'.");
            int version = manifest["formatVersion"]?.GetValue<int>() ?? 0;
            if (version < 1 || version > FormatVersion)
                throw new InvalidDataException(
                    $"{name} has format version {version}; this version of Catapults.Pipelines reads versions 1 to {FormatVersion}. Update the library to load it.");
            var reader = new StageReader(zip, catalog, name);
            inputSchema = null;
            if (manifest["inputSchema"]?.GetValue<string>() is { } schemaEntry)
            {
                using var schemaStream = new MemoryStream(ReadBytes(zip, schemaEntry, name));
                catalog.Load(schemaStream, out inputSchema);
            }
            return reader.ReadElement(manifest["root"]?.AsObject() ?? throw new InvalidDataException($"{name}: the manifest has no root."));
        }
    }

    private static T Expect<T>(ITransformer loaded, string name) where T : TorchNetworkPredictionTransformer
    {
        if (loaded is T typed) return typed;
        (loaded as IDisposable)?.Dispose();
        throw new InvalidDataException(
            $"{name} holds a {Describe(loaded)}, not a {typeof(T).Name}. Load it with mlContext.Model.LoadCatapultsModel or CatapultsModelArchive.Load.");
    }

    private static string Describe(ITransformer t) => t is TorchNetworkPredictionTransformer or AgopFeatureTransformer ? t.GetType().Name : IsChain(t) ? "transformer chain" : t.GetType().Name;

    internal static bool IsChain(ITransformer model) =>
        model.GetType().IsGenericType && model.GetType().GetGenericTypeDefinition() == typeof(TransformerChain<>);

    /// <summary>
    /// The transformers of a chain in order, nested chains expanded, each with its scope (the chain's scope of it,
    /// intersected with the scope of any enclosing chain). Scopes are recovered through the public GetModelFor.
    /// </summary>
    internal static List<(ITransformer Transformer, TransformerScope Scope)> Flatten(ITransformer chain, TransformerScope outer)
    {
        var all = ((IEnumerable<ITransformer>)chain).ToList();
        var scopes = new TransformerScope[all.Count];
        var getModelFor = chain.GetType().GetMethod("GetModelFor", BindingFlags.Public | BindingFlags.Instance, new[] { typeof(TransformerScope) })
            ?? throw new InvalidOperationException("TransformerChain.GetModelFor was not found.");
        foreach (var scope in new[] { TransformerScope.Training, TransformerScope.Scoring, TransformerScope.Testing })
        {
            var kept = ((IEnumerable<ITransformer>)getModelFor.Invoke(chain, new object[] { scope })!).ToList();
            for (int i = 0, j = 0; i < all.Count && j < kept.Count; i++)
                if (ReferenceEquals(all[i], kept[j]))
                {
                    scopes[i] |= scope;
                    j++;
                }
        }
        var result = new List<(ITransformer, TransformerScope)>();
        for (int i = 0; i < all.Count; i++)
        {
            var scope = scopes[i] & outer;
            if (IsChain(all[i])) result.AddRange(Flatten(all[i], scope));
            else result.Add((all[i], scope));
        }
        return result;
    }

    private static void WriteJson(ZipArchive zip, string entry, JsonNode json) =>
        WriteBytes(zip, entry, Encoding.UTF8.GetBytes(json.ToJsonString(Indented)));

    private static void WriteBytes(ZipArchive zip, string entry, byte[] bytes)
    {
        using var stream = zip.CreateEntry(entry, CompressionLevel.Optimal).Open();
        stream.Write(bytes);
    }

    private static byte[] ReadBytes(ZipArchive zip, string entry, string name)
    {
        var e = zip.GetEntry(entry) ?? throw new InvalidDataException($"{name}: the entry '{entry}' is missing.");
        using var stream = e.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static JsonObject? ReadJson(ZipArchive zip, string entry, string name)
    {
        if (zip.GetEntry(entry) is null) return null;
        try
        {
            var bytes = ReadBytes(zip, entry, name);
            // Tolerate a UTF-8 byte-order mark: editors and some writers add one.
            var json = bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? bytes.AsSpan(3) : bytes.AsSpan();
            return JsonNode.Parse(json)?.AsObject();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: '{entry}' is not valid JSON ({ex.Message}).", ex);
        }
    }

    private sealed class StageWriter
    {
        private readonly ZipArchive _zip;
        private readonly ModelOperationsCatalog _catalog;
        private int _next;

        public StageWriter(ZipArchive zip, ModelOperationsCatalog catalog)
        {
            _zip = zip;
            _catalog = catalog;
        }

        public JsonObject WriteChain(List<(ITransformer Transformer, TransformerScope Scope)> items)
        {
            var elements = new JsonArray();
            var run = new List<(ITransformer, TransformerScope)>();
            void FlushRun()
            {
                if (run.Count == 0) return;
                var element = WriteMlNet(run);
                element["scope"] = TransformerScope.Everything.ToString();
                elements.Add(element);
                run.Clear();
            }
            foreach (var (transformer, scope) in items)
            {
                if (transformer is TorchNetworkPredictionTransformer network)
                {
                    FlushRun();
                    var element = WriteNetwork(network);
                    element["scope"] = scope.ToString();
                    elements.Add(element);
                }
                else if (transformer is AgopFeatureTransformer agop)
                {
                    FlushRun();
                    var element = WriteAgopFeatures(agop);
                    element["scope"] = scope.ToString();
                    elements.Add(element);
                }
                else run.Add((transformer, scope));
            }
            FlushRun();
            return new JsonObject { ["type"] = "chain", ["elements"] = elements };
        }

        public JsonObject WriteMlNet(IReadOnlyList<(ITransformer Transformer, TransformerScope Scope)> run)
        {
            string path = $"stages/{_next++}.mlnet.zip";
            var chain = new TransformerChain<ITransformer>(run.Select(r => r.Transformer), run.Select(r => r.Scope));
            using var buffer = new MemoryStream();
            _catalog.Save(chain, null, buffer);
            WriteBytes(_zip, path, buffer.ToArray());
            return new JsonObject { ["type"] = "mlnet", ["path"] = path };
        }

        public JsonObject WriteAgopFeatures(AgopFeatureTransformer t)
        {
            string path = $"stages/{_next++}/";
            var description = new JsonObject
            {
                ["inputColumnName"] = t.InputColumnName,
                ["outputColumnName"] = t.OutputColumnName,
                ["source"] = t.Source,
                ["state"] = JsonSerializer.SerializeToNode(t.State, StateJson),
            };
            WriteJson(_zip, path + AgopFeaturesEntry, description);
            return new JsonObject { ["type"] = AgopFeaturesType, ["path"] = path };
        }

        public JsonObject WriteNetwork(TorchNetworkPredictionTransformer t)
        {
            string path = $"stages/{_next++}/";
            var description = new JsonObject
            {
                ["kind"] = t.Kind.ToString(),
                ["featureColumnName"] = t.FeatureColumnName,
                ["featureCount"] = t.Model.InputDimension,
                ["outputCount"] = t.Model.OutputCount,
                ["architecture"] = t.Model.Description,
                ["options"] = OptionsJson.Write(t.TrainingOptions),
            };
            if (t is TorchNetworkMulticlassTransformer m && m.KeyValues is { } keys)
                description["keyValues"] = new JsonObject
                {
                    ["type"] = keys.TypeName,
                    ["values"] = new JsonArray(keys.ToStrings().Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                };
            WriteJson(_zip, path + "network.json", description);
            using (var buffer = new MemoryStream())
            {
                NetworkWeights.Export(t.Model.Network, buffer);
                WriteBytes(_zip, path + "weights.safetensors", buffer.ToArray());
            }
            WriteJson(_zip, path + "report.json", ReportJson.Write(t.Report));
            return new JsonObject { ["type"] = "network", ["path"] = path, ["kind"] = t.Kind.ToString() };
        }
    }

    private sealed class StageReader
    {
        private readonly ZipArchive _zip;
        private readonly ModelOperationsCatalog _catalog;
        private readonly string _name;

        public StageReader(ZipArchive zip, ModelOperationsCatalog catalog, string name)
        {
            _zip = zip;
            _catalog = catalog;
            _name = name;
        }

        public ITransformer ReadElement(JsonObject element)
        {
            string type = element["type"]?.GetValue<string>() ?? "";
            switch (type)
            {
                case "network":
                    return ReadNetwork(element["path"]!.GetValue<string>());
                case "mlnet":
                    return ReadMlNet(element["path"]!.GetValue<string>());
                case AgopFeaturesType:
                    return ReadAgopFeatures(element["path"]!.GetValue<string>());
                case "chain":
                {
                    var transformers = new List<ITransformer>();
                    var scopes = new List<TransformerScope>();
                    foreach (var node in element["elements"]!.AsArray())
                    {
                        var child = node!.AsObject();
                        var scope = Enum.Parse<TransformerScope>(child["scope"]?.GetValue<string>() ?? nameof(TransformerScope.Everything));
                        var loaded = ReadElement(child);
                        if (IsChain(loaded))
                            foreach (var (t, s) in Flatten(loaded, scope))
                            {
                                transformers.Add(t);
                                scopes.Add(s);
                            }
                        else
                        {
                            transformers.Add(loaded);
                            scopes.Add(scope);
                        }
                    }
                    return new TransformerChain<ITransformer>(transformers, scopes);
                }
                default:
                    throw new InvalidDataException(
                        $"{_name}: a model element has type '{type}', which this version of Catapults.Pipelines cannot load " +
                        "(it reads 'network', 'agop-features', 'mlnet' and 'chain'). Update the library to load it.");
            }
        }

        private ITransformer ReadAgopFeatures(string path)
        {
            string entry = path + AgopFeaturesEntry;
            var description = ReadJson(_zip, entry, _name) ?? throw new InvalidDataException($"{_name}: '{entry}' is missing.");
            AgopFeatureMapState state;
            try
            {
                state = description["state"].Deserialize<AgopFeatureMapState>(StateJson)
                    ?? throw new InvalidDataException($"{_name}: '{entry}' has no map state.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{_name}: the map state in '{entry}' cannot be read ({ex.Message}).", ex);
            }
            AgopFeatureMap map;
            try
            {
                map = AgopFeatureMap.FromState(state);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{_name}: the map state in '{entry}' is invalid: {ex.Message}", ex);
            }
            return new AgopFeatureTransformer(
                description["inputColumnName"]?.GetValue<string>() ?? throw new InvalidDataException($"{_name}: '{entry}' has no inputColumnName."),
                description["outputColumnName"]?.GetValue<string>() ?? throw new InvalidDataException($"{_name}: '{entry}' has no outputColumnName."),
                map, description["source"]?.GetValue<string>() ?? "");
        }

        private ITransformer ReadMlNet(string path)
        {
            using var stream = new MemoryStream(ReadBytes(_zip, path, _name));
            return _catalog.Load(stream, out _);
        }

        private ITransformer ReadNetwork(string path)
        {
            var description = ReadJson(_zip, path + "network.json", _name) ?? throw new InvalidDataException($"{_name}: '{path}network.json' is missing.");
            var report = ReportJson.Read(ReadJson(_zip, path + "report.json", _name)
                ?? throw new InvalidDataException($"{_name}: '{path}report.json' is missing."), $"{_name}: {path}report.json");
            var kind = Enum.Parse<PredictionKind>(description["kind"]!.GetValue<string>());
            int featureCount = description["featureCount"]!.GetValue<int>();
            int outputCount = description["outputCount"]!.GetValue<int>();
            TorchNetworkTrainerOptions options = kind switch
            {
                PredictionKind.Regression => new TorchNetworkRegressionTrainer.Options(),
                PredictionKind.BinaryClassification => new TorchNetworkBinaryTrainer.Options(),
                _ => new TorchNetworkMulticlassTrainer.Options(),
            };
            OptionsJson.Read(description["options"]!.AsObject(), options);

            TorchRuntime.EnsureLoaded();
            var network = new FullyConnectedNetwork(options.ToNetworkOptions(featureCount, outputCount));
            try
            {
                using (var weights = new MemoryStream(ReadBytes(_zip, path + "weights.safetensors", _name)))
                    NetworkWeights.Import(network, SafetensorsFile.Read(weights, $"{_name}: {path}weights.safetensors"));
                var model = new TorchNetworkModelParameters(network, torch.CPU);
                switch (kind)
                {
                    case PredictionKind.Regression:
                        return new TorchNetworkRegressionTransformer(model, (TorchNetworkRegressionTrainer.Options)options, report);
                    case PredictionKind.BinaryClassification:
                        return new TorchNetworkBinaryTransformer(model, (TorchNetworkBinaryTrainer.Options)options, report);
                    default:
                        var keys = description["keyValues"] is JsonObject k
                            ? KeyValueSet.FromStrings(k["type"]!.GetValue<string>(), k["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToList())
                            : null;
                        return new TorchNetworkMulticlassTransformer(model, (TorchNetworkMulticlassTrainer.Options)options, report, outputCount, keys);
                }
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
    }
}
