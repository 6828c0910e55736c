using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Catapults.ML.Runtime;
using Catapults.ML.Serialization;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Saves and loads models that contain network transformers, alone or inside ML.NET transformer chains, as one
/// versioned zip. ML.NET's own <c>mlContext.Model.Save</c> cannot do this: it can only write transformers that live
/// in ML.NET's assemblies.
/// </summary>
/// <remarks>
/// <para><b>Layout (format version 2).</b></para>
/// <list type="bullet">
/// <item><c>manifest.json</c>: <c>{"format": "Catapults.NET model", "formatVersion": 2, "writer", "createdUtc",
/// "inputSchema": entry or null, "root": element}</c>. An element is a transformer's own stage <c>{"type": name,
/// "path": "stages/i/"}</c>, <c>{"type": "mlnet", "path": "stages/i.mlnet.zip"}</c> or <c>{"type": "chain", "elements":
/// [element + "scope"]}</c>.</item>
/// <item><c>stages/i/</c>: the entries a transformer of this library writes for itself; each stage type is registered
/// by name with the transformer that saves and loads it. <c>"network"</c> (the network transformers): <c>network.json</c>
/// (task, columns, input shape, output count, the label's key values and the trainer options with the network and
/// training descriptions), <c>weights.safetensors</c> (the engine's <c>ModelWeights</c> layout) and <c>report.json</c>
/// (the training report with all its tables). <c>"agop-features"</c>: <c>agop-features.json</c> (columns, source, map
/// state). Readers that do not know a stage type reject the file with an error naming it.</item>
/// <item><c>stages/i.mlnet.zip</c>: a run of consecutive ML.NET transformers, saved by ML.NET itself (with their scopes).</item>
/// <item><c>input-schema.mlnet.zip</c>: the input schema, when given, stored by ML.NET as an empty chain.</item>
/// </list>
/// <para>Chains are flattened: nested chains are saved as one chain, each transformer keeping its scope. A reader
/// rejects a newer format version and ignores members it does not know, so later versions can add members (a new
/// report table needs no change at all: see <c>TrainingReport.Tables</c>).</para>
/// <para>Loaded networks live on the CPU.</para>
/// </remarks>
public static class CatapultsModelArchive
{
    /// <summary>The <c>format</c> value of the manifest.</summary>
    public const string FormatName = "Catapults.NET model";

    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 2;

    private const string ManifestEntry = "manifest.json";
    private const string InputSchemaEntry = "input-schema.mlnet.zip";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Saves <paramref name="model"/> (a network transformer, an ML.NET transformer, or a chain of both) to <paramref name="path"/>.</summary>
    public static void Save(ITransformer model, DataViewSchema? inputSchema, string path, MLContext? mlContext = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFileWriter.Write(path, stream => Save(model, inputSchema, stream, mlContext));
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
        if (model is IArchivedTransformer own)
            root = writer.WriteStage(own);
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
            ArchiveStage.Write(zip, schemaEntry, buffer.ToArray());
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

    /// <summary>Loads a saved transformer of type <typeparamref name="T"/> (the file's root must be one).</summary>
    public static T LoadTransformer<T>(string path) where T : class, ITransformer
    {
        using var stream = File.OpenRead(path);
        return Expect<T>(Load(stream, out _, new MLContext().Model, path), path);
    }

    /// <summary>Loads a saved transformer of type <typeparamref name="T"/> from <paramref name="stream"/>.</summary>
    public static T LoadTransformer<T>(Stream stream) where T : class, ITransformer =>
        Expect<T>(Load(stream, out _, new MLContext().Model, "model stream"), "model stream");

    internal static ITransformer Load(Stream stream, out DataViewSchema? inputSchema, ModelOperationsCatalog catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // A stream that cannot seek (a download, a decompressor) is copied into memory by ZipArchive itself.
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
            // ZipArchive.GetEntry returns the first of two entries of one name, and the second would go unread.
            if (zip.Entries.GroupBy(e => e.FullName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new InvalidDataException($"{name}: the entry '{ErrorText.Excerpt(twice.Key)}' appears {twice.Count()} times; a model file holds each entry once.");
            var manifest = ArchiveStage.ReadJson(zip, ManifestEntry, name)
                ?? throw new InvalidDataException(
                    $"{name} has no {ManifestEntry}: it is not a Catapults.NET model. (A model saved by mlContext.Model.Save loads with mlContext.Model.Load.)");
            string where = $"{name}: {ManifestEntry}";
            if (!JsonFields.TryGet<string>(manifest, "format", where, out var format) || format != FormatName)
                throw new InvalidDataException($"{where}: the format is '{ErrorText.Excerpt(format ?? "")}', expected '{FormatName}'.");
            int version = JsonFields.TryGet<int>(manifest, "formatVersion", where, out var v) ? v : 0;
            if (version != FormatVersion)
                throw new InvalidDataException(version < FormatVersion
                    ? $"{name} has format version {version}, written before networks were described by NetworkDescription; this version of Catapults.Pipelines reads version {FormatVersion}: train and save the model again."
                    : $"{name} has format version {version}; this version of Catapults.Pipelines reads version {FormatVersion}. Update the library to load it.");
            JsonFields.RequireKnown(manifest, where, "format", "formatVersion", "writer", "createdUtc", "inputSchema", "root");
            var reader = new StageReader(zip, catalog, name);
            inputSchema = null;
            if (JsonFields.TryGet<string>(manifest, "inputSchema", where, out var schemaEntry))
                (reader.ReadMlNet(schemaEntry, out inputSchema) as IDisposable)?.Dispose();
            return reader.ReadElement(JsonFields.RequiredObject(manifest, "root", where), $"{where}: root");
        }
    }

    private static T Expect<T>(ITransformer loaded, string name) where T : class, ITransformer
    {
        if (loaded is T typed) return typed;
        (loaded as IDisposable)?.Dispose();
        throw new InvalidDataException(
            $"{name} holds {Describe(loaded)}, not the {typeof(T).Name} asked for. Load it with mlContext.Model.LoadCatapultsModel or CatapultsModelArchive.Load.");
    }

    // Type names are not words: "the transformer AgopFeatureTransformer" needs no article chosen by its first letter.
    private static string Describe(ITransformer t) => IsChain(t) ? "a transformer chain" : $"the transformer {t.GetType().Name}";

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
        ArchiveStage.Write(zip, entry, Encoding.UTF8.GetBytes(json.ToJsonString(Indented)));

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
                if (transformer is IArchivedTransformer own)
                {
                    FlushRun();
                    var element = WriteStage(own);
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
            ArchiveStage.Write(_zip, path, buffer.ToArray());
            return new JsonObject { ["type"] = "mlnet", ["path"] = path };
        }

        public JsonObject WriteStage(IArchivedTransformer transformer)
        {
            string path = $"stages/{_next++}/";
            transformer.SaveStage(new ArchiveStage(_zip, path, "model archive"));
            return new JsonObject { ["type"] = ArchiveStageAttribute.Of(transformer), ["path"] = path };
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

        /// <summary>
        /// Loads a manifest element; <paramref name="where"/> says where it stands, for messages (e.g.
        /// "model.zip: manifest.json: root.elements[2]").
        /// </summary>
        public ITransformer ReadElement(JsonObject element, string where)
        {
            JsonFields.RequireKnown(element, where, "type", "path", "elements", "scope");
            string type = JsonFields.Required<string>(element, "type", where);
            switch (type)
            {
                case "mlnet":
                    return ReadMlNet(JsonFields.Required<string>(element, "path", where), out _);
                case "chain":
                {
                    var transformers = new List<ITransformer>();
                    var scopes = new List<TransformerScope>();
                    var elements = JsonFields.RequiredArray(element, "elements", where);
                    try
                    {
                        for (int i = 0; i < elements.Count; i++)
                        {
                            string inChild = $"{where}.elements[{i}]";
                            var child = elements[i] as JsonObject ?? throw new InvalidDataException($"{inChild} is not a JSON object.");
                            var scope = child["scope"] is null ? TransformerScope.Everything : JsonFields.RequiredEnum<TransformerScope>(child, "scope", inChild);
                            var loaded = ReadElement(child, inChild);
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
                    }
                    catch
                    {
                        // The stages loaded before the damaged one hold native memory (networks); free it.
                        foreach (var loaded in transformers) (loaded as IDisposable)?.Dispose();
                        throw;
                    }
                    return new TransformerChain<ITransformer>(transformers, scopes);
                }
                default:
                    var load = ArchiveStageAttribute.LoaderFor(type) ?? throw new InvalidDataException(
                        $"{where} has type '{ErrorText.Excerpt(type)}', which this version of Catapults.Pipelines cannot load " +
                        $"(it reads {string.Join(", ", ArchiveStageAttribute.StageTypes.Append("mlnet").Append("chain").Select(t => $"'{t}'"))}). Update the library to load it.");
                    return load(new ArchiveStage(_zip, JsonFields.Required<string>(element, "path", where), _name));
            }
        }

        /// <summary>An entry that ML.NET saved (a run of its transformers, or the input schema as an empty chain).</summary>
        public ITransformer ReadMlNet(string path, out DataViewSchema inputSchema)
        {
            using var stream = new MemoryStream(ArchiveStage.Read(_zip, path, _name));
            try
            {
                return _catalog.Load(stream, out inputSchema);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The entry's bytes are ML.NET's own format, so any failure to read them means the entry is damaged or
                // needs a component this application lacks. ML.NET's messages name neither the file nor the entry, and
                // a damaged entry also surfaces as an assembly that cannot be found, the end of a stream, or a failed
                // constructor wrapped in reflection's and ML.NET's exceptions; the innermost one says what was wrong.
                var cause = ex;
                while (cause.InnerException is { } inner) cause = inner;
                throw new InvalidDataException($"{_name}: the entry '{ErrorText.Excerpt(path)}' is not a model ML.NET can load ({ErrorText.FirstLine(cause)}).", ex);
            }
        }
    }
}
