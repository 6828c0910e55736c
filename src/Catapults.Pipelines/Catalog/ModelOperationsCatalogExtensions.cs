using Catapults.ML.Serialization;
using Catapults.Pipelines.Persistence;

namespace Catapults.Pipelines.Catalog;

/// <summary>
/// Saving and loading models that contain network transformers: <c>mlContext.Model.SaveCatapultsModel(...)</c> and
/// <c>mlContext.Model.LoadCatapultsModel(...)</c>.
/// </summary>
/// <remarks>
/// ML.NET's <c>mlContext.Model.Save</c> cannot save a transformer defined outside ML.NET (the context it hands to a
/// transformer is internal to ML.NET), so it throws <see cref="NotSupportedException"/> on a network transformer or on
/// any chain that holds one, with a message pointing here. These methods write one versioned zip in which ML.NET's
/// own transformers are saved by ML.NET, next to the networks (format: <see cref="CatapultsModelArchive"/>). Models
/// without network transformers work too.
/// </remarks>
public static class ModelOperationsCatalogExtensions
{
    /// <summary>Saves <paramref name="model"/> and, optionally, the schema of its input to a file.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A network transformer, an ML.NET transformer, or a chain mixing both (e.g. the result of a pipeline's Fit).</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on (<c>data.Schema</c>), or null.</param>
    /// <param name="filePath">Where to write the zip.</param>
    public static void SaveCatapultsModel(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        AtomicFileWriter.Write(filePath, stream => CatapultsModelArchive.Save(model, inputSchema, stream, catalog));
    }

    /// <summary>Saves <paramref name="model"/> and, optionally, the schema of its input to a stream.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A network transformer, an ML.NET transformer, or a chain mixing both.</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on, or null.</param>
    /// <param name="stream">A writable stream. It receives nothing when a stage cannot be saved: the archive is written
    /// to a temporary file first and copied to the stream once it is whole.</param>
    public static void SaveCatapultsModel(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream must be writable.", nameof(stream));
        // A stage that cannot be saved (an ML.NET transformer without a contract, say) is found part-way through the
        // archive; the caller's stream must not keep the part before it.
        using var whole = new FileStream(Path.Combine(Path.GetTempPath(), $"catapults-model-{Guid.NewGuid():N}.zip"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        CatapultsModelArchive.Save(model, inputSchema, whole, catalog);
        whole.Position = 0;
        whole.CopyTo(stream);
    }

    /// <summary>Loads a model saved by <see cref="SaveCatapultsModel(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The zip to read.</param>
    /// <param name="inputSchema">The saved input schema, or null when none was saved.</param>
    /// <returns>The model: a network transformer, or a <c>TransformerChain&lt;ITransformer&gt;</c> when a chain was saved.</returns>
    public static ITransformer LoadCatapultsModel(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema? inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        // .NET says "Access to the path is denied" for a folder and "Could not find a part of the path" for a
        // missing one; neither says what was expected.
        if (Directory.Exists(filePath)) throw new IOException($"'{filePath}' is a folder; expected a model zip written by SaveCatapultsModel.");
        if (!File.Exists(filePath)) throw new FileNotFoundException($"The model file '{filePath}' does not exist.", filePath);
        using var stream = File.OpenRead(filePath);
        return CatapultsModelArchive.Load(stream, out inputSchema, catalog, filePath);
    }

    /// <summary>Loads a model saved by <see cref="SaveCatapultsModel(ModelOperationsCatalog, ITransformer, DataViewSchema?, Stream)"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="stream">The stream to read.</param>
    /// <param name="inputSchema">The saved input schema, or null when none was saved.</param>
    /// <returns>The model: a network transformer, or a <c>TransformerChain&lt;ITransformer&gt;</c> when a chain was saved.</returns>
    public static ITransformer LoadCatapultsModel(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema? inputSchema) =>
        CatapultsModelArchive.Load(stream, out inputSchema, catalog, "model stream");
}
